// The run settings: validated with the setting and field named; mapped to the runner's configs.
import { describe, expect, it } from 'vitest';
import { parseRunSettings } from '../../src/extension/engine';
import { generationParams, toCheckpointConfig } from '../../src/protocol/runSettings';

describe('run settings', () => {
  it('maps a local folder and a server to runner configs, with defaults', () => {
    const r = parseRunSettings({
      checkpoints: [
        { id: 'cold', role: 'cold-start', model: '/models/ovr-cold' },
        {
          id: 'rl',
          role: 'rl',
          step: 1000,
          backend: 'openai',
          model: 'ovr-rl',
          baseUrl: 'http://gpu:8000/v1',
        },
      ],
      maxNewTokens: 512,
    });
    expect(r.error).toBeUndefined();
    const [cold, rl] = r.settings!.checkpoints.map((c) =>
      toCheckpointConfig(c, c.id === 'rl' ? 'sk-test' : undefined),
    );
    expect(cold!.config).toEqual({
      backend: 'onnx',
      model: '/models/ovr-cold',
      device: 'auto',
      dtype: 'fp32',
    });
    expect(rl).toMatchObject({
      id: 'rl',
      step: 1000,
      config: { backend: 'openai', baseUrl: 'http://gpu:8000/v1' },
    });
    expect(generationParams(r.settings!)).toMatchObject({ maxTokens: 512, temperature: 0, topP: 1 });
  });

  it('names the setting and field at fault', () => {
    expect(parseRunSettings({ checkpoints: [{ id: 'x' }] }).error).toMatch(
      /^cogtrace\.checkpoints\.0\.model: /,
    );
    expect(parseRunSettings({ checkpoints: [], topP: 3 }).error).toMatch(/^cogtrace\.run\.topP: /);
    expect(
      parseRunSettings({ checkpoints: [{ id: 'x', model: 'm', backend: 'openai', baseUrl: 'not a url' }] })
        .error,
    ).toMatch(/checkpoints\.0\.baseUrl/);
  });
});

describe('runs in restricted mode', () => {
  it('are refused before any setting, image or model is read', async () => {
    const vscode = await import('vscode');
    const { mockState } = await import('../vscode-mock');
    const { Runs } = await import('../../src/extension/liveRun');
    const { core } = await import('../../src/extension/traceEditor');
    let read = 0;
    const runs = new Runs({
      engine: () => {
        read++;
        return core();
      },
    } as never);
    mockState.trusted = false;
    mockState.messages.length = 0;
    mockState.config = { checkpoints: [{ id: 'x', model: '/ws/evil-model' }] };
    try {
      await runs.runOnImage(vscode.Uri.file('/ws/a.png'));
      expect(mockState.messages.join('\n')).toMatch(/restricted mode/);
      expect(read).toBe(0);
    } finally {
      mockState.trusted = true;
      mockState.config = {};
    }
  });
});

describe('server API keys', () => {
  it('a key from secret storage is sent as a bearer token, ahead of the environment variable', async () => {
    const { OpenAIBackend } = await import('../../src/runner/openai-backend');
    const seen: string[] = [];
    const fetch = (async (_url: string, init: { headers: Record<string, string> }) => {
      seen.push(init.headers.authorization ?? '');
      return new Response(JSON.stringify({ data: [{ id: 'm' }] }), { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    process.env.COGTRACE_TEST_KEY = 'from-env';
    await new OpenAIBackend({
      baseUrl: 'http://x/v1',
      model: 'm',
      apiKey: 'from-secrets',
      apiKeyEnv: 'COGTRACE_TEST_KEY',
      maxRetries: 0,
      fetch,
    }).load();
    await new OpenAIBackend({
      baseUrl: 'http://x/v1',
      model: 'm',
      apiKeyEnv: 'COGTRACE_TEST_KEY',
      maxRetries: 0,
      fetch,
    }).load();
    expect(seen).toEqual(['Bearer from-secrets', 'Bearer from-env']);
  });
});
