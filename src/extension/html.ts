// The webview's HTML: strict CSP (default-src 'none', scripts and styles only by nonce or from the
// extension's dist folder), KaTeX's stylesheet and fonts from the extension.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The page of a webview app: `bundle` is its script in dist/ (webview.js: the trace view). */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle = 'webview.js',
  title = 'Cogtrace',
): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (p: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${asset('media/katex.min.css')}">
<link rel="stylesheet" nonce="${nonce}" href="${asset('media/trace-view.css')}">
<title>${title}</title>
</head>
<body>
<div id="app" data-nonce="${nonce}"></div>
<script nonce="${nonce}" src="${asset(bundle)}"></script>
</body>
</html>`;
}
