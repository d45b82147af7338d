import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './types';

/** The order `auto` tries, fastest first on a machine with a real GPU. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendReport {
  requested: BackendName | 'auto';
  /** The backend that runs. */
  active: BackendName;
  /** Backends tried before it and why each was passed over. */
  skipped: { name: BackendName; reason: string }[];
  /** What the adapter or context says of itself, when known (e.g. `google swiftshader`). */
  adapter?: string;
}

export interface BackendOptions {
  /**
   * Where the wasm backend finds its binaries: a folder prefix ending in '/', or a map from
   * file name (`tfjs-backend-wasm.wasm`, `…-simd.wasm`, `…-threaded-simd.wasm`) to URL.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Accept software GPU emulation (SwiftShader, software WebGL) under `auto`. Off by default:
   * there, wasm is much faster. A backend named explicitly is always accepted.
   */
  allowSoftwareGpu?: boolean;
}

interface Probe {
  ok: boolean;
  reason?: string;
  adapter?: string;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
  isFallbackAdapter?: boolean;
}

async function probeWebGpu(explicit: boolean, allowSoftware: boolean): Promise<Probe> {
  const gpu = (
    globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }
  ).navigator?.gpu;
  if (!gpu)
    return { ok: false, reason: 'this environment has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${String(error)}` };
  }
  if (!adapter) return { ok: false, reason: 'the browser offers no WebGPU adapter' };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const software =
    adapter.isFallbackAdapter === true ||
    /swiftshader/i.test(`${info.architecture} ${info.description}`);
  if (software && !explicit && !allowSoftware)
    return {
      ok: false,
      reason: `the WebGPU adapter is software emulation (${name}); wasm is faster`,
      adapter: name
    };
  return { ok: true, adapter: name };
}

/**
 * Is there a WebGL2 context, and is it a real GPU? Reads the renderer string (SwiftShader,
 * llvmpipe and other software rasterizers are emulation on the CPU, where wasm is faster).
 */
function probeWebGl(explicit: boolean, allowSoftware: boolean): Probe {
  let gl: WebGL2RenderingContext | null = null;
  try {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : (globalThis as { document?: Document }).document?.createElement('canvas');
    gl = (canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined) ?? null;
  } catch {
    gl = null;
  }
  if (!gl) return { ok: false, reason: 'this environment has no WebGL2 context' };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)
  );
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i.test(renderer);
  if (software && !explicit && !allowSoftware)
    return {
      ok: false,
      reason: `WebGL is software emulation (${renderer}); wasm is faster`,
      adapter: renderer
    };
  return { ok: true, adapter: renderer };
}

async function register(name: BackendName, options: BackendOptions): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as string);
      break;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
  }
}

async function tryBackend(
  name: BackendName,
  explicit: boolean,
  options: BackendOptions
): Promise<Probe> {
  let probe: Probe = { ok: true };
  if (name === 'webgpu') {
    probe = await probeWebGpu(explicit, options.allowSoftwareGpu ?? false);
    if (!probe.ok) return probe;
  }
  if (name === 'webgl') {
    probe = probeWebGl(explicit, options.allowSoftwareGpu ?? false);
    if (!probe.ok) return probe;
  }
  try {
    await register(name, options);
    // tfjs refuses a software WebGL context unless told otherwise (the flag exists once the webgl
    // backend is loaded); software WebGL got here only if it was named or allowed.
    if (name === 'webgl') tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  } catch (error) {
    return { ok: false, reason: `loading the ${name} backend failed: ${String(error)}` };
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, reason: `the ${name} backend did not initialize` };
    await tf.ready();
  } catch (error) {
    return { ok: false, reason: `the ${name} backend failed to start: ${String(error)}` };
  }
  return probe;
}

/**
 * Make `requested` the tfjs backend, or under `auto` the first of webgpu → webgl → wasm → cpu
 * that works. A named backend that fails falls back along the same order after it, and the
 * report says why each one was skipped.
 */
export async function selectBackend(
  requested: BackendName | 'auto',
  options: BackendOptions = {}
): Promise<BackendReport> {
  const skipped: BackendReport['skipped'] = [];
  const candidates =
    requested === 'auto'
      ? BACKEND_ORDER
      : [requested, ...BACKEND_ORDER.filter((b) => b !== requested)];
  for (const name of candidates) {
    const probe = await tryBackend(name, name === requested, options);
    if (probe.ok) return { requested, active: name, skipped, adapter: probe.adapter };
    skipped.push({ name, reason: probe.reason ?? 'unavailable' });
  }
  throw new Error(
    `No tfjs backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`
  );
}
