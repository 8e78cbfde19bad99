// A small stand-in for the `vscode` module: enough of the API for the extension's host logic to run
// under vitest on Node (the real workbench is exercised by the e2e suite).
import { join } from 'node:path';

type Listener<T> = (e: T) => unknown;
export class EventEmitter<T> {
  private ls: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.ls.push(l);
    return { dispose: () => (this.ls = this.ls.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of this.ls) l(e);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string) {
    return new Uri('file', p);
  }
  static joinPath(u: Uri, ...parts: string[]) {
    return new Uri(u.scheme, join(u.fsPath, ...parts));
  }
  get path() {
    return this.fsPath;
  }
  toString() {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export const mockState = {
  trusted: true,
  config: {} as Record<string, unknown>,
  globalConfig: {} as Record<string, unknown>,
  commands: new Map<string, (...a: unknown[]) => unknown>(),
  providers: new Map<string, unknown>(),
  clipboard: '',
  messages: [] as string[],
  logs: [] as string[],
};

export const workspace = {
  get isTrusted() {
    return mockState.trusted;
  },
  getConfiguration: (_section: string) => ({
    get: <T>(k: string) => mockState.config[k] as T,
    inspect: <T>(k: string) => ({
      globalValue: mockState.globalConfig[k] as T,
      workspaceValue: mockState.config[k] as T,
    }),
  }),
  asRelativePath: (u: Uri | string) => (typeof u === 'string' ? u : u.fsPath),
  onDidChangeConfiguration: () => ({ dispose: () => {} }),
};

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

const channel = (name: string) => ({
  name,
  info: (m: string) => mockState.logs.push(`info ${m}`),
  warn: (m: string) => mockState.logs.push(`warn ${m}`),
  error: (m: string) => mockState.logs.push(`error ${m}`),
  show: () => {},
  dispose: () => {},
});

export enum ColorThemeKind {
  Light = 1,
  Dark = 2,
  HighContrast = 3,
  HighContrastLight = 4,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export const window = {
  createOutputChannel: channel,
  registerCustomEditorProvider: (id: string, p: unknown) => {
    mockState.providers.set(id, p);
    return { dispose: () => {} };
  },
  showWarningMessage: async (m: string) => void mockState.messages.push(m),
  showErrorMessage: async (m: string) => void mockState.messages.push(m),
  showInformationMessage: async (m: string) => void mockState.messages.push(m),
  setStatusBarMessage: () => ({ dispose: () => {} }),
  createStatusBarItem: () => ({ text: '', tooltip: '', command: '', show() {}, hide() {}, dispose() {} }),
  withProgress: async <T>(
    _o: unknown,
    task: (
      p: { report: () => void },
      t: { isCancellationRequested: boolean; onCancellationRequested: () => void },
    ) => Promise<T>,
  ) => task({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: () => {} }),
  showOpenDialog: async () => undefined,
  activeTextEditor: undefined,
  activeColorTheme: { kind: ColorThemeKind.Dark },
};

export const commands = {
  registerCommand: (id: string, f: (...a: unknown[]) => unknown) => {
    mockState.commands.set(id, f);
    return { dispose: () => {} };
  },
  executeCommand: async (id: string, ...a: unknown[]) => mockState.commands.get(id)?.(...a),
};

export const env = {
  clipboard: {
    writeText: async (t: string) => void (mockState.clipboard = t),
  },
};

export class MockWebviewPanel {
  readonly sent: unknown[] = [];
  private readonly receive = new EventEmitter<unknown>();
  private readonly disposeEmitter = new EventEmitter<void>();
  active = true;
  webview = {
    options: {} as Record<string, unknown>,
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: Uri) => `https://webview.test${u.fsPath}`,
    postMessage: async (m: unknown) => {
      this.sent.push(m);
      return true;
    },
    onDidReceiveMessage: this.receive.event,
  };
  onDidChangeViewState = new EventEmitter<void>().event;
  onDidDispose = this.disposeEmitter.event;
  /** Simulates the webview sending a message to the host. */
  /** Delivers a message; waits until the host replies (up to 3 s; 50 ms for messages with no reply). */
  async fromWebview(m: unknown) {
    const before = this.sent.length;
    this.receive.fire(m);
    const type = (m as { type?: string } | null)?.type;
    const replies = type === 'ready' || type === 'selectTrace' || type === 'listQuery' || type === 'listRows';
    const until = Date.now() + (replies ? 3000 : 50);
    do await new Promise((r) => setTimeout(r, 10));
    while (Date.now() < until && (!replies || this.sent.length === before));
  }
}
