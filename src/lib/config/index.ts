/** The typed schema of every parameter, its validation and its URL-hash codec. */
export {
  PARAMETERS,
  PARAMETER_GROUPS,
  DEFAULT_CONFIG,
  ConfigSchema,
  FIELD_SCHEMAS,
  parameter,
  validateConfig,
  describeConfig,
  type Activation,
  type BackendName,
  type BoolParameter,
  type CellKind,
  type ClippingMode,
  type Config,
  type ConfigKey,
  type EnumParameter,
  type FloatParameter,
  type Initializer,
  type IntParameter,
  type LossName,
  type Notice,
  type OptimizerName,
  type Parameter,
  type ParameterGroup,
  type ParameterOf,
  type Readout,
  type TaskName,
  type ValidateOptions,
  type ValidationResult
} from './schema';
export {
  encodeHash,
  decodeHash,
  PRESET_KEY,
  STORY_KEY,
  type EncodeOptions,
  type HashResult,
  type StoryPlace
} from './hash';
export {
  PRESETS,
  STORIES,
  findPreset,
  findStory,
  presetConfig,
  type Preset,
  type PresetPanel,
  type Story,
  type StoryStep
} from './presets';
