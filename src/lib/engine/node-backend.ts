/**
 * Backend selection for Node (tests, the command-line runner): cpu, or wasm with its binaries
 * read from node_modules. Never imported by browser code.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { selectBackend } from './backend';
import type { BackendReport } from './backend';
import type { BackendName } from './types';

export function nodeWasmPaths(): string {
  const require = createRequire(import.meta.url);
  return (
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) +
    path.sep
  );
}

export function useNodeBackend(name: BackendName | 'auto'): Promise<BackendReport> {
  return selectBackend(name === 'auto' ? 'cpu' : name, { wasmPaths: nodeWasmPaths() });
}
