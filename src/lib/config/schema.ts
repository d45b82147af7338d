/**
 * One table of every parameter of the explorer: its name, URL key, label, help text, default and
 * range. The `Config` type, `DEFAULT_CONFIG`, the valibot schema, validation (clamp or drop with a
 * notice) and the URL-hash codec (hash.ts) are all derived from `PARAMETERS`; add a knob here and it
 * appears everywhere.
 *
 * This module is the layer above the engine: it imports no Svelte, D3, DOM or engine code.
 */
import * as v from 'valibot';

// ---------------------------------------------------------------------------------------------
// Descriptor types
// ---------------------------------------------------------------------------------------------

/** Groups of controls, in the order the UI shows them. */
export const PARAMETER_GROUPS = ['model', 'initialization', 'training', 'task', 'system'] as const;
export type ParameterGroup = (typeof PARAMETER_GROUPS)[number];

interface BaseParameter<K extends string> {
  /** Field name in `Config`. */
  readonly key: K;
  /** Short key in the URL hash, e.g. `T` for `seqLength`. */
  readonly url: string;
  /** Human label for a control. */
  readonly label: string;
  /** One line of help, in plain words for a student. */
  readonly help: string;
  readonly group: ParameterGroup;
}

/** One of a fixed list of strings. */
export interface EnumParameter<
  K extends string = string,
  O extends string = string
> extends BaseParameter<K> {
  readonly kind: 'enum';
  readonly options: readonly O[];
  /** Human label of each option, for menus. */
  readonly optionLabels: Readonly<Record<O, string>>;
  readonly default: O;
}

/** A whole number in [min, max]. */
export interface IntParameter<K extends string = string> extends BaseParameter<K> {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/**
 * A finite number in [min, max]. With `nullable`, `null` is also allowed and means "off" (written
 * `off` in the URL).
 */
export interface FloatParameter<
  K extends string = string,
  N extends boolean = boolean
> extends BaseParameter<K> {
  readonly kind: 'float';
  readonly min: number;
  readonly max: number;
  /** Slider hint: move linearly in the value, or linearly in log10 of the value. */
  readonly scale: 'linear' | 'log';
  /**
   * Slider step: in units of the value for `scale: 'linear'`, in decades (log10 units) for
   * `scale: 'log'`. Only a UI hint; any finite value in range is valid.
   */
  readonly step: number;
  readonly nullable: N;
  readonly default: N extends true ? number | null : number;
}

/** True or false (`1`/`0` in the URL). */
export interface BoolParameter<K extends string = string> extends BaseParameter<K> {
  readonly kind: 'bool';
  readonly default: boolean;
}

/** Descriptor of any parameter. */
export type Parameter = EnumParameter | IntParameter | FloatParameter | BoolParameter;

type Described<P> = Omit<P, 'kind' | 'nullable'>;

function enumParameter<const K extends string, const O extends string>(
  descriptor: Omit<Described<EnumParameter<K, O>>, 'default' | 'optionLabels'> & {
    default: NoInfer<O>;
    optionLabels: Readonly<Record<NoInfer<O>, string>>;
  }
): EnumParameter<K, O> {
  return { kind: 'enum', ...descriptor };
}

function intParameter<const K extends string>(
  descriptor: Described<IntParameter<K>>
): IntParameter<K> {
  return { kind: 'int', ...descriptor };
}

function floatParameter<const K extends string>(
  descriptor: Described<FloatParameter<K, false>>
): FloatParameter<K, false> {
  return { kind: 'float', nullable: false, ...descriptor };
}

/** A float that may also be switched off (`null`, `off` in the URL). */
function optionalFloatParameter<const K extends string>(
  descriptor: Described<FloatParameter<K, true>>
): FloatParameter<K, true> {
  return { kind: 'float', nullable: true, ...descriptor };
}

function boolParameter<const K extends string>(
  descriptor: Described<BoolParameter<K>>
): BoolParameter<K> {
  return { kind: 'bool', ...descriptor };
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const INITIALIZERS = [
  'glorot-uniform',
  'orthogonal',
  'identity',
  'normal',
  'uniform',
  'zeros'
] as const;

const INITIALIZER_LABELS = {
  'glorot-uniform': 'Glorot uniform',
  orthogonal: 'Orthogonal',
  identity: 'Identity',
  normal: 'Normal, variance g²/n',
  uniform: 'Uniform, variance g²/n',
  zeros: 'Zeros'
} as const;

/**
 * Every parameter, in the order of the URL hash. The single source of truth for `Config`, its
 * defaults and ranges, validation, the URL, the UI controls, the CLI and exports.
 */
export const PARAMETERS = [
  // --- model --------------------------------------------------------------------------------
  enumParameter({
    key: 'cell',
    url: 'cell',
    label: 'Cell',
    help: 'The recurrent cell: a plain (vanilla) RNN, an LSTM with input, forget and output gates, or a GRU with reset and update gates.',
    group: 'model',
    options: ['rnn', 'lstm', 'gru'],
    optionLabels: { rnn: 'Vanilla RNN', lstm: 'LSTM', gru: 'GRU' },
    default: 'rnn'
  }),
  enumParameter({
    key: 'activation',
    url: 'act',
    label: 'Activation',
    help: 'The nonlinearity of the vanilla RNN, applied to W_ih·x_t + W_hh·h_{t−1} + b; LSTM and GRU have fixed gate functions and ignore it.',
    group: 'model',
    options: ['tanh', 'relu', 'sigmoid', 'linear'],
    optionLabels: { tanh: 'tanh', relu: 'ReLU', sigmoid: 'Sigmoid', linear: 'Linear (none)' },
    default: 'tanh'
  }),
  intParameter({
    key: 'hidden',
    url: 'hidden',
    label: 'Hidden units',
    help: 'Size of the hidden state h_t: the number of units in each layer (and in each direction, if bidirectional).',
    group: 'model',
    min: 1,
    max: 256,
    default: 32
  }),
  intParameter({
    key: 'layers',
    url: 'layers',
    label: 'Layers',
    help: 'How many recurrent layers are stacked; each layer reads the hidden states of the layer below.',
    group: 'model',
    min: 1,
    max: 4,
    default: 1
  }),
  boolParameter({
    key: 'bidirectional',
    url: 'bidir',
    label: 'Bidirectional',
    help: 'Also run a copy of each layer backwards in time and join both directions, so every step sees the past and the future.',
    group: 'model',
    default: false
  }),
  enumParameter({
    key: 'readout',
    url: 'readout',
    label: 'Readout',
    help: "Where the output comes from: a prediction at every step, only at the last step, or from the average of the top layer's states over time.",
    group: 'model',
    options: ['step', 'last', 'mean'],
    optionLabels: { step: 'Every step', last: 'Last step', mean: 'Mean over time' },
    default: 'step'
  }),
  // --- task ---------------------------------------------------------------------------------
  enumParameter({
    key: 'task',
    url: 'task',
    label: 'Task',
    help: 'The built-in problem the network learns; it also fixes the input and output sizes.',
    group: 'task',
    options: [
      'sine',
      'sines',
      'mackey-glass',
      'adding',
      'first-symbol',
      'parity',
      'counting',
      'tagging',
      'reverse',
      'addition',
      'waveform',
      'chars',
      'esn'
    ],
    optionLabels: {
      sine: 'Sine wave: predict the next value',
      sines: 'Sum of sines: predict the next value',
      'mackey-glass': 'Mackey–Glass series: predict the next value',
      adding: 'Adding problem: sum the two marked numbers',
      'first-symbol': 'Remember the first symbol',
      parity: 'Parity of the ones',
      counting: 'Count the ones',
      tagging: 'Tagging that needs the future',
      reverse: 'Encoder–decoder: reverse a sequence',
      addition: 'Encoder–decoder: add two numbers',
      waveform: 'Generate a waveform from its class',
      chars: 'Character-level language model',
      esn: 'Echo state network on Mackey–Glass'
    },
    default: 'sine'
  }),
  enumParameter({
    key: 'windows',
    url: 'windows',
    label: 'Training windows',
    help: 'Independent sequences; or consecutive windows of one long stream, the state carried from each window to the next; or windows of the stream in shuffled order, the state reset.',
    group: 'task',
    options: ['sequences', 'stream', 'shuffled'],
    optionLabels: {
      sequences: 'Independent sequences',
      stream: 'One stream, state carried',
      shuffled: 'Shuffled windows, state reset'
    },
    default: 'sequences'
  }),
  intParameter({
    key: 'seqLength',
    url: 'T',
    label: 'Sequence length T',
    help: 'Number of time steps T in each training sequence: how far the network is unrolled.',
    group: 'task',
    min: 1,
    max: 500,
    default: 20
  }),
  // --- training (batch) ---------------------------------------------------------------------
  intParameter({
    key: 'batchSize',
    url: 'batch',
    label: 'Batch size',
    help: 'How many sequences are processed together in one training step; their gradients are averaged.',
    group: 'training',
    min: 1,
    max: 256,
    default: 16
  }),
  // --- initialization -----------------------------------------------------------------------
  enumParameter({
    key: 'initRecurrent',
    url: 'init',
    label: 'Recurrent init (W_hh)',
    help: 'How the hidden-to-hidden weights W_hh start out; orthogonal and identity neither grow nor shrink a signal at first.',
    group: 'initialization',
    options: INITIALIZERS,
    optionLabels: INITIALIZER_LABELS,
    default: 'orthogonal'
  }),
  enumParameter({
    key: 'initInput',
    url: 'initIH',
    label: 'Input init (W_ih)',
    help: 'How the input-to-hidden weights W_ih start out.',
    group: 'initialization',
    options: INITIALIZERS,
    optionLabels: INITIALIZER_LABELS,
    default: 'glorot-uniform'
  }),
  floatParameter({
    key: 'gainSquared',
    url: 'g2',
    label: 'Variance scale g²',
    help: 'For the normal and uniform inits, each weight gets variance g²/n, where n is the hidden size for W_hh and the input size for W_ih.',
    group: 'initialization',
    min: 0,
    max: 10,
    scale: 'linear',
    step: 0.05,
    default: 1
  }),
  optionalFloatParameter({
    key: 'spectralRadius',
    url: 'rho',
    label: 'Spectral radius ρ',
    help: "After init, rescale W_hh (each gate's block for LSTM/GRU) so its largest |eigenvalue| is ρ: below 1 signals fade, above 1 they grow; off keeps it as is.",
    group: 'initialization',
    min: 0.01,
    max: 3,
    scale: 'linear',
    step: 0.01,
    default: null
  }),
  floatParameter({
    key: 'forgetBias',
    url: 'fbias',
    label: 'Forget-gate bias',
    help: 'Starting bias of the LSTM forget gate; a positive value makes the cell keep its memory early in training (LSTM only).',
    group: 'initialization',
    min: -5,
    max: 5,
    scale: 'linear',
    step: 0.1,
    default: 1
  }),
  enumParameter({
    key: 'initialState',
    url: 'h0',
    label: 'Initial state',
    help: 'The hidden state before the first step: zeros, or a vector the network learns like its weights.',
    group: 'model',
    options: ['zeros', 'learned'],
    optionLabels: { zeros: 'Zeros', learned: 'Learned' },
    default: 'zeros'
  }),
  boolParameter({
    key: 'peepholes',
    url: 'peep',
    label: 'Peepholes',
    help: 'Let the LSTM gates also look at the cell state c (peephole connections; LSTM only).',
    group: 'model',
    default: false
  }),
  // --- training -----------------------------------------------------------------------------
  enumParameter({
    key: 'optimizer',
    url: 'opt',
    label: 'Optimizer',
    help: 'The rule that turns gradients into weight updates: plain SGD, SGD with momentum, RMSprop or Adam.',
    group: 'training',
    options: ['sgd', 'momentum', 'rmsprop', 'adam'],
    optionLabels: { sgd: 'SGD', momentum: 'SGD with momentum', rmsprop: 'RMSprop', adam: 'Adam' },
    default: 'adam'
  }),
  floatParameter({
    key: 'learningRate',
    url: 'lr',
    label: 'Learning rate',
    help: 'Size of each weight update: too large and training blows up, too small and it crawls.',
    group: 'training',
    min: 1e-5,
    max: 1,
    scale: 'log',
    step: 0.1,
    default: 0.01
  }),
  enumParameter({
    key: 'clipping',
    url: 'clip',
    label: 'Gradient clipping',
    help: 'Tames exploding gradients: rescale the whole gradient when its global norm passes the threshold, or cut each entry to ±threshold.',
    group: 'training',
    options: ['off', 'norm', 'value'],
    optionLabels: { off: 'Off', norm: 'By global norm', value: 'By value' },
    default: 'norm'
  }),
  floatParameter({
    key: 'clipThreshold',
    url: 'clipAt',
    label: 'Clipping threshold',
    help: 'The largest global gradient norm (clipping by norm) or the largest absolute gradient entry (clipping by value).',
    group: 'training',
    min: 0.001,
    max: 1000,
    scale: 'log',
    step: 0.1,
    default: 1
  }),
  intParameter({
    key: 'truncation',
    url: 'k',
    label: 'Truncated BPTT k',
    help: 'Gradients flow back through at most k time steps (truncated backpropagation through time); 0 means through the whole sequence.',
    group: 'training',
    min: 0,
    max: 500,
    default: 0
  }),
  enumParameter({
    key: 'loss',
    url: 'loss',
    label: 'Loss',
    help: 'What the network is scored on: mean squared error for real-valued targets, softmax cross-entropy for classes.',
    group: 'training',
    options: ['mse', 'xent'],
    optionLabels: { mse: 'Mean squared error', xent: 'Softmax cross-entropy' },
    default: 'mse'
  }),
  floatParameter({
    key: 'teacherForcing',
    url: 'tf',
    label: 'Teacher forcing',
    help: 'Encoder–decoder and generation tasks: the share of decoder steps fed the true previous token instead of the model’s own prediction.',
    group: 'training',
    min: 0,
    max: 1,
    scale: 'linear',
    step: 0.05,
    default: 1
  }),
  enumParameter({
    key: 'schedule',
    url: 'ss',
    label: 'Scheduled sampling',
    help: 'Lower the teacher-forcing ratio during training so the decoder learns from its own mistakes: linearly, exponentially or along an inverse sigmoid.',
    group: 'training',
    options: ['off', 'linear', 'exponential', 'inverse-sigmoid'],
    optionLabels: {
      off: 'Off',
      linear: 'Linear',
      exponential: 'Exponential',
      'inverse-sigmoid': 'Inverse sigmoid'
    },
    default: 'off'
  }),
  intParameter({
    key: 'scheduleSteps',
    url: 'ssk',
    label: 'Schedule length',
    help: 'The time scale of scheduled sampling, in training steps: about when the teacher-forcing ratio has come down.',
    group: 'training',
    min: 1,
    max: 100000,
    default: 1000
  }),
  floatParameter({
    key: 'temperature',
    url: 'temp',
    label: 'Sampling temperature',
    help: 'Character model: divide the logits by this before sampling; low is cautious and repetitive, high is adventurous.',
    group: 'task',
    min: 0.05,
    max: 3,
    scale: 'linear',
    step: 0.05,
    default: 1
  }),
  floatParameter({
    key: 'leakRate',
    url: 'leak',
    label: 'Leak rate',
    help: 'Echo state network: how much of the new reservoir state replaces the old at each step (1 = no leak).',
    group: 'model',
    min: 0.01,
    max: 1,
    scale: 'linear',
    step: 0.01,
    default: 1
  }),
  floatParameter({
    key: 'inputScaling',
    url: 'inScale',
    label: 'Input scaling',
    help: 'Echo state network: the scale of the fixed random input weights of the reservoir.',
    group: 'model',
    min: 0.01,
    max: 10,
    scale: 'log',
    step: 0.1,
    default: 1
  }),
  floatParameter({
    key: 'ridge',
    url: 'ridge',
    label: 'Ridge penalty',
    help: 'Echo state network: the L2 penalty of the readout, which is solved in closed form by ridge regression.',
    group: 'training',
    min: 1e-10,
    max: 10,
    scale: 'log',
    step: 0.1,
    default: 1e-6
  }),
  // --- system -------------------------------------------------------------------------------
  intParameter({
    key: 'seed',
    url: 'seed',
    label: 'Random seed',
    help: 'Seed of the random numbers for weights and data: the same seed and settings give the same run.',
    group: 'system',
    min: 0,
    max: 2147483647,
    default: 1
  }),
  enumParameter({
    key: 'backend',
    url: 'backend',
    label: 'Backend',
    help: 'Where the maths runs: auto picks the fastest one available (WebGPU, then WebGL, WASM, CPU), or force one.',
    group: 'system',
    options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'],
    optionLabels: { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' },
    default: 'auto'
  })
] as const;

// ---------------------------------------------------------------------------------------------
// Types derived from the table
// ---------------------------------------------------------------------------------------------

type TableEntry = (typeof PARAMETERS)[number];

type ValueOf<P> = P extends { kind: 'enum'; options: readonly (infer O)[] }
  ? O
  : P extends { kind: 'float'; nullable: true }
    ? number | null
    : P extends { kind: 'int' | 'float' }
      ? number
      : P extends { kind: 'bool' }
        ? boolean
        : never;

/**
 * Every setting of a run, as a plain object. See `PARAMETERS` for each field's meaning, range and
 * default; `spectralRadius: null` means "off".
 */
export type Config = { -readonly [P in TableEntry as P['key']]: ValueOf<P> };

/** A field name of `Config`. */
export type ConfigKey = keyof Config;

/** The descriptor of the field `K`, with its precise option/nullability types. */
export type ParameterOf<K extends ConfigKey> = Extract<TableEntry, { key: K }>;

export type CellKind = Config['cell'];
export type Activation = Config['activation'];
export type Readout = Config['readout'];
export type TaskName = Config['task'];
export type Initializer = Config['initRecurrent'];
export type OptimizerName = Config['optimizer'];
export type ClippingMode = Config['clipping'];
export type LossName = Config['loss'];
export type BackendName = Config['backend'];

const BY_KEY: ReadonlyMap<string, Parameter> = new Map(
  PARAMETERS.map((p): [string, Parameter] => [p.key, p])
);

/** The descriptor of one parameter, by its `Config` field name. */
export function parameter<K extends ConfigKey>(key: K): ParameterOf<K> {
  const found = BY_KEY.get(key);
  if (found === undefined) throw new Error(`No parameter named "${String(key)}".`);
  return found as ParameterOf<K>;
}

/** The default of every parameter. Frozen: spread it (`{ ...DEFAULT_CONFIG }`) to change it. */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze(
  Object.fromEntries(PARAMETERS.map((p) => [p.key, p.default])) as Config
);

// ---------------------------------------------------------------------------------------------
// valibot schema, derived from the table
// ---------------------------------------------------------------------------------------------

function fieldSchema(p: Parameter): v.GenericSchema<unknown> {
  switch (p.kind) {
    case 'enum':
      return v.picklist(p.options);
    case 'int':
      return v.pipe(v.number(), v.integer(), v.minValue(p.min), v.maxValue(p.max));
    case 'float': {
      const finite = v.pipe(v.number(), v.finite(), v.minValue(p.min), v.maxValue(p.max));
      return p.nullable ? v.nullable(finite) : finite;
    }
    case 'bool':
      return v.boolean();
  }
}

/** One valibot schema per field: exactly the values `validateConfig` keeps without a notice. */
export const FIELD_SCHEMAS = Object.fromEntries(PARAMETERS.map((p) => [p.key, fieldSchema(p)])) as {
  readonly [K in ConfigKey]: v.GenericSchema<Config[K]>;
};

/**
 * Schema of a complete, valid `Config` (every field, no extra keys). It checks ranges only;
 * `validateConfig` also repairs values and applies the cross-field rules.
 */
export const ConfigSchema = v.strictObject(FIELD_SCHEMAS);

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compile-time check: the schema's output type is exactly `Config`. */
const _schemaMatchesConfig: Equals<v.InferOutput<typeof ConfigSchema>, Config> = true;

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** What validation did to one value, for the user to see. */
export interface Notice {
  /** The `Config` field it concerns, or the unknown key as given. */
  key: string;
  message: string;
  /**
   * `clamped`: a number was out of range and was moved to the nearest bound.
   * `dropped`: the value (or key) was unusable and ignored; the default is kept.
   * `adjusted`: a usable value was changed (rounded, or made consistent with another field).
   */
  kind: 'clamped' | 'dropped' | 'adjusted';
}

export interface ValidationResult {
  /** A valid config: passes `ConfigSchema` and the cross-field rules. */
  config: Config;
  /** Everything that was changed or ignored, in order. Empty when the input was valid. */
  notices: Notice[];
}

export interface ValidateOptions {
  /** Name parameters in messages by their `Config` field (default) or by their URL key. */
  naming?: 'key' | 'url';
}

const MAX_SHOWN = 40;

/** Cuts a user-given string to a readable length for a message. */
export function shorten(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}

/** A value as a user would write it: numbers plainly, booleans as true/false, null as off. */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(shorten(value));
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'off';
      return Array.isArray(value) ? 'a list' : 'an object';
  }
}

function expectation(p: Parameter): string {
  switch (p.kind) {
    case 'enum':
      return `one of ${p.options.join(', ')}`;
    case 'int':
      return `a whole number from ${p.min} to ${p.max}`;
    case 'float':
      return `a number from ${p.min} to ${p.max}${p.nullable ? ' or off' : ''}`;
    case 'bool':
      return 'true or false';
  }
}

/** The message for a value that cannot be used at all. */
export function droppedMessage(
  p: Parameter,
  name: string,
  shown: string,
  preset?: { value: unknown }
): string {
  const instead = preset ? preset.value : p.default;
  const fallback = typeof instead === 'string' ? instead : formatValue(instead);
  const whose = preset ? "the preset's" : 'the default';
  return `${name}=${shown} is not ${expectation(p)}; using ${whose} ${fallback}.`;
}

type Checked = { value: unknown; notice?: Omit<Notice, 'key'> };

/** Checks one value against its descriptor: keep, round, clamp, or drop (`value: undefined`). */
function checkValue(p: Parameter, raw: unknown, name: string): Checked {
  if (v.is(FIELD_SCHEMAS[p.key as ConfigKey], raw)) {
    // -0 is in range but would not survive the URL; it means 0.
    return { value: typeof raw === 'number' ? raw + 0 : raw };
  }
  const shown = formatValue(raw);
  if ((p.kind === 'int' || p.kind === 'float') && typeof raw === 'number' && Number.isFinite(raw)) {
    const rounded = p.kind === 'int' ? Math.round(raw) + 0 : raw;
    if (rounded > p.max) {
      const message = `${name}=${shown} is above the maximum ${p.max}; using ${p.max}.`;
      return { value: p.max, notice: { kind: 'clamped', message } };
    }
    if (rounded < p.min) {
      const message = `${name}=${shown} is below the minimum ${p.min}; using ${p.min}.`;
      return { value: p.min, notice: { kind: 'clamped', message } };
    }
    const message = `${name}=${shown} is not a whole number; using ${rounded}.`;
    return { value: rounded, notice: { kind: 'adjusted', message } };
  }
  return {
    value: undefined,
    notice: { kind: 'dropped', message: droppedMessage(p, name, shown) }
  };
}

function isRecord(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

/**
 * Makes a valid `Config` out of anything. Starts from the defaults and takes each valid field of
 * `input`; out-of-range numbers are clamped to the range (whole-number fields rounded), values of
 * the wrong type or unknown options are dropped, unknown keys are ignored, and a truncation window
 * k ≥ T (which is full BPTT) becomes 0. Every change comes with a `Notice`. Never throws.
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const config: Config = { ...DEFAULT_CONFIG };
  const notices: Notice[] = [];
  const nameOf = (p: Parameter) => (options.naming === 'url' ? p.url : p.key);

  if (input === undefined) return { config, notices };
  if (!isRecord(input)) {
    notices.push({
      key: '',
      kind: 'dropped',
      message: `The settings should be an object of named values, not ${formatValue(input)}; using the defaults.`
    });
    return { config, notices };
  }

  let entries: [string, unknown][];
  try {
    entries = Object.entries(input);
  } catch {
    notices.push({
      key: '',
      kind: 'dropped',
      message: 'The settings could not be read; using the defaults.'
    });
    return { config, notices };
  }

  const fields = config as Record<string, unknown>;
  for (const [key, raw] of entries) {
    const p = BY_KEY.get(key);
    if (p === undefined) {
      const message = `Unknown parameter "${shorten(key)}"; ignored.`;
      notices.push({ key, kind: 'dropped', message });
      continue;
    }
    const checked = checkValue(p, raw, nameOf(p));
    if (checked.value !== undefined) fields[p.key] = checked.value;
    if (checked.notice) notices.push({ key: p.key, ...checked.notice });
  }

  // Cross-field rules.
  if (config.truncation !== 0 && config.truncation >= config.seqLength) {
    const k = nameOf(parameter('truncation'));
    const t = nameOf(parameter('seqLength'));
    notices.push({
      key: 'truncation',
      kind: 'adjusted',
      message: `${k}=${config.truncation} is not shorter than the sequence (${t}=${config.seqLength}), so it is full backpropagation through time; using ${k}=0.`
    });
    config.truncation = 0;
  }

  return { config, notices };
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/**
 * A short human summary of a config, e.g.
 * `LSTM · 32 hidden · 1 layer · T=20 · orthogonal init · ρ off · adam lr 0.01`.
 */
export function describeConfig(config: Config): string {
  const parts = [
    config.cell === 'rnn' ? `RNN ${config.activation}` : config.cell.toUpperCase(),
    `${config.hidden} hidden`,
    `${config.layers} ${config.layers === 1 ? 'layer' : 'layers'}`
  ];
  if (config.bidirectional) parts.push('bidirectional');
  parts.push(`T=${config.seqLength}`);
  if (config.truncation > 0) parts.push(`k=${config.truncation}`);
  parts.push(`${config.initRecurrent} init`);
  parts.push(config.spectralRadius === null ? 'ρ off' : `ρ=${config.spectralRadius}`);
  parts.push(`${config.optimizer} lr ${config.learningRate}`);
  return parts.join(' · ');
}
