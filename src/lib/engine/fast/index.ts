/**
 * The live sliders' plain-JavaScript pass (no tfjs, no DOM): see pass.ts for what it computes and
 * preview.ts for the copy of the weights a drag works on.
 */
export { fastMeasure, fastSupport, parameterNames } from './pass';
export type { FastMeasurement, FastWeights } from './pass';
export { SliderPreview } from './preview';
