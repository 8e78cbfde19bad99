// Problem images: whether a reference is a URL (http:, data:, file:…) or a path, resolving a path
// against the file that names it, and whether an image lies inside the folders a viewer may read
// (real paths, so a symlink cannot lead outside). One place for these rules: the trace and problem
// readers, the CLI runner and the extension all use it.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A URL scheme of two or more letters (one letter is a Windows drive: `C:\img.png`). */
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

export const isImageUrl = (ref: string): boolean => SCHEME.test(ref);

/** A relative image path resolved against `baseDir`; absolute paths and URLs unchanged. */
export function resolveImageRef(ref: string, baseDir: string): string {
  if (!ref || isAbsolute(ref) || isImageUrl(ref)) return ref;
  return resolve(baseDir, ref);
}

/** The local file an image reference names (a path, or a `file:` URL), or undefined for other URLs. */
export function imageFile(ref: string): string | undefined {
  if (!ref) return undefined;
  if (/^file:/i.test(ref)) {
    try {
      return fileURLToPath(ref);
    } catch {
      return undefined;
    }
  }
  return isImageUrl(ref) ? undefined : resolve(ref);
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

const within = (root: string, p: string) => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
};

/** The root (of `roots`) holding `file` after resolving symlinks on both sides, or undefined. */
export function rootHolding(file: string, roots: readonly string[]): string | undefined {
  const target = real(file);
  return roots.find((root) => within(real(root), target));
}
