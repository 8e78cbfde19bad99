// Messages every webview sends whatever its protocol: a log line for the host's output channel.
import { z } from 'zod';

export const WebviewLog = z.object({
  type: z.literal('log'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string().max(10_000),
});
