/**
 * The live sliders' pass without tfjs (plain JavaScript, its three large products on WebAssembly
 * SIMD where it runs; no DOM): see pass.ts for what it computes, simd.ts for the products and
 * preview.ts for the copy of the weights a drag works on.
 */
export { fastMeasure, fastSupport, FastWorkspace, parameterNames } from './pass';
export type { FastMeasurement, FastWeights } from './pass';
export { SliderPreview } from './preview';
