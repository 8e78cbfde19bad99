import { type Io, UsageError } from '../io';
export async function runCommand(_args: Record<string, unknown>, _io: Io): Promise<number> {
  throw new UsageError('run: not available yet');
}
