/**
 * One-click presets: the storyline of a lecture on vanishing and exploding gradients, each a config
 * and a short text that says what to look at. Guided stories step through presets with their own
 * text. Plain data (no Svelte, no tensors); `src/lib/session/presets.test.ts` checks in Node that
 * every preset shows what its text says, with the engine's own numbers.
 *
 * A URL names a preset with `preset=<id>`; the other keys of the hash then say what differs from
 * the preset (see `decodeHash`).
 */
import { validateConfig, type Config } from './schema';

/** The panels a preset points at (the explorer's panel ids). */
export type PresetPanel =
  | 'unrolled'
  | 'gradient-flow'
  | 'gradient-history'
  | 'spectrum'
  | 'gates'
  | 'loss'
  | 'grad-norm'
  | 'prediction';

export interface Preset {
  /** The URL's name of the preset, e.g. `vanishing-tanh`. */
  id: string;
  /** The preset's name in the menu. */
  title: string;
  /** What differs from the default config. */
  settings: Partial<Config>;
  /** What to look at, in a few sentences. */
  text: string;
  /** The panel that shows it. */
  panel: PresetPanel;
}

/** The adding problem read at the last step: the loss sits at t = T, so distance is T − t. */
const LONG_MEMORY: Partial<Config> = {
  task: 'adding',
  readout: 'last',
  cell: 'rnn',
  hidden: 32,
  clipping: 'off'
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'vanishing-tanh',
    title: 'Vanishing gradient (tanh, ρ = 0.9)',
    settings: {
      ...LONG_MEMORY,
      activation: 'tanh',
      seqLength: 100,
      initRecurrent: 'normal',
      spectralRadius: 0.9
    },
    text:
      'A vanilla tanh RNN with W_hh scaled to spectral radius 0.9 reads 100 steps and is scored at the last one. ' +
      'Going back through time, each step multiplies the gradient by W_hh and by tanh′ ≤ 1, so ||dL/dh_t|| falls ' +
      'roughly like 0.9^(T−t): on the log axis of Gradient flow the curve drops by several orders of magnitude ' +
      'from the right edge to the left. The early inputs get almost no learning signal. Drag ρ to watch it.',
    panel: 'gradient-flow'
  },
  {
    id: 'exploding-relu',
    title: 'Exploding gradient (ReLU, W_hh ~ N(0, 3/n))',
    settings: {
      ...LONG_MEMORY,
      hidden: 64,
      activation: 'relu',
      seqLength: 50,
      initRecurrent: 'normal',
      gainSquared: 3
    },
    text:
      'A ReLU RNN whose W_hh entries are drawn from N(0, 3/n). About half the units are active at each step, so ' +
      'each step back through time multiplies the gradient by roughly √(3/2) in norm: ||dL/dh_t|| grows with ' +
      'distance from the output, by several orders of magnitude over 50 steps. Press Play: with clipping off the ' +
      'updates are huge and the loss jumps about.',
    panel: 'gradient-flow'
  },
  {
    id: 'decaying-relu',
    title: 'Decaying gradient (ReLU, W_hh ~ N(0, 1.5/n))',
    settings: {
      ...LONG_MEMORY,
      hidden: 64,
      activation: 'relu',
      seqLength: 50,
      initRecurrent: 'normal',
      gainSquared: 1.5
    },
    text:
      'The same ReLU RNN with half the variance, N(0, 1.5/n): now each step back shrinks the gradient, and ' +
      '||dL/dh_t|| decays with distance from the output. Only the scale of W_hh changed; drag g² between 1.5 ' +
      'and 3 to cross from decay to explosion (near g² = 2 for ReLU).',
    panel: 'gradient-flow'
  },
  {
    id: 'clipping',
    title: 'Gradient clipping taming an explosion',
    settings: {
      ...LONG_MEMORY,
      hidden: 64,
      activation: 'relu',
      seqLength: 50,
      initRecurrent: 'normal',
      gainSquared: 3,
      clipping: 'norm',
      clipThreshold: 1,
      learningRate: 0.001
    },
    text:
      'The exploding ReLU RNN again, now with the gradient rescaled whenever its global norm passes 1. Step ' +
      'once and look at Gradient norm: the norm before clipping is far above the threshold, the update uses ' +
      'norm 1, and every clipped step is marked. The direction of the gradient is kept; only its length is cut.',
    panel: 'grad-norm'
  },
  {
    id: 'irnn',
    title: 'Identity initialization with ReLU (IRNN)',
    settings: {
      ...LONG_MEMORY,
      activation: 'relu',
      seqLength: 100,
      initRecurrent: 'identity',
      clipping: 'norm',
      clipThreshold: 1,
      learningRate: 0.001
    },
    text:
      'W_hh starts as the identity (Le, Jaitly and Hinton, 2015): a ReLU unit that is active passes its value ' +
      'and its gradient on unchanged, so at the start ||dL/dh_t|| stays within a narrow band over all 100 steps ' +
      'instead of fading like the tanh network’s. The eigenvalues all sit at 1 on the Spectrum.',
    panel: 'gradient-flow'
  },
  {
    id: 'orthogonal',
    title: 'Orthogonal initialization',
    settings: {
      ...LONG_MEMORY,
      activation: 'tanh',
      seqLength: 100,
      initRecurrent: 'orthogonal'
    },
    text:
      'An orthogonal W_hh keeps the length of every vector it multiplies: its singular values are all 1 and its ' +
      'eigenvalues lie on the unit circle of the Spectrum. The gradient still shrinks through tanh′, but far ' +
      'less than with ρ = 0.9: compare the left end of Gradient flow with the vanishing preset.',
    panel: 'spectrum'
  },
  {
    id: 'lstm-cell-state',
    title: 'LSTM: the gradient lives on in the cell state',
    settings: {
      ...LONG_MEMORY,
      cell: 'lstm',
      seqLength: 100,
      forgetBias: 1,
      clipping: 'norm'
    },
    text:
      'An LSTM on the same 100-step problem. Gradient flow shows two curves: ||dL/dc_t|| through the cell ' +
      'state, which is only multiplied by the forget gate (near 1 with forget bias 1), and ||dL/dh_t||. Far ' +
      'from the output the cell-state gradient is orders of magnitude larger than a tanh RNN’s would be.',
    panel: 'gradient-flow'
  },
  {
    id: 'gru',
    title: 'GRU: three gate blocks to the LSTM’s four',
    settings: {
      ...LONG_MEMORY,
      cell: 'gru',
      seqLength: 100,
      clipping: 'norm'
    },
    text:
      'A GRU has an update gate z, a reset gate r and a candidate n: three blocks of weights where an LSTM has ' +
      'four, so a quarter fewer recurrent parameters and a quarter less matrix work per step, and no separate cell ' +
      'state. Its update gate plays the forget gate’s part: see z in Gates and states.',
    panel: 'gates'
  },
  {
    id: 'echo-state',
    title: 'Echo state network',
    settings: { task: 'esn', spectralRadius: 0.9 },
    text:
      'A large random recurrent reservoir that is never trained: only a linear readout is fitted, in one ' +
      'ridge regression, to predict the Mackey–Glass series. With ρ below 1 the reservoir forgets where it ' +
      'started (the echo state property): two runs from different initial states converge, and the prediction ' +
      'follows the series. Raise ρ and the reservoir remembers longer: the two runs take longer to agree.',
    panel: 'prediction'
  },
  {
    id: 'truncated-bptt',
    title: 'Truncated BPTT (k = 10)',
    settings: {
      ...LONG_MEMORY,
      activation: 'tanh',
      seqLength: 50,
      truncation: 10
    },
    text:
      'Backpropagation is cut off 10 steps before the loss: Gradient flow shows ||dL/dh_t|| for the last 10 ' +
      'steps only, and exactly zero before them. Truncation makes long sequences cheap, but the network can no ' +
      'longer learn a dependency longer than k steps from the gradient.',
    panel: 'gradient-flow'
  },
  {
    id: 'teacher-forcing',
    title: 'Encoder–decoder with teacher forcing',
    settings: {
      task: 'reverse',
      loss: 'xent',
      cell: 'gru',
      hidden: 64,
      teacherForcing: 1,
      schedule: 'off'
    },
    text:
      'An encoder reads a sequence, a decoder writes it reversed. With teacher forcing the decoder is fed the ' +
      'true previous token while it learns, so training is fast; at test time it must feed itself, and one ' +
      'mistake can lead to more. Prediction shows input, target and output.',
    panel: 'prediction'
  },
  {
    id: 'free-running',
    title: 'Encoder–decoder, free-running',
    settings: {
      task: 'reverse',
      loss: 'xent',
      cell: 'gru',
      hidden: 64,
      teacherForcing: 0,
      schedule: 'off'
    },
    text:
      'The same encoder–decoder, but the decoder always reads its own previous output, in training as at test ' +
      'time: no mismatch between the two, but early on it learns from its own wrong guesses. Train it and the ' +
      'teacher-forcing preset for the same number of steps and compare their loss curves.',
    panel: 'loss'
  },
  {
    id: 'scheduled-sampling',
    title: 'Encoder–decoder with scheduled sampling',
    settings: {
      task: 'reverse',
      loss: 'xent',
      cell: 'gru',
      hidden: 64,
      teacherForcing: 1,
      schedule: 'inverse-sigmoid',
      scheduleSteps: 1000
    },
    text:
      'Scheduled sampling starts with teacher forcing and lowers the share of true tokens fed to the decoder ' +
      'along an inverse sigmoid, so the decoder learns from its own mistakes once it makes fewer of them.',
    panel: 'loss'
  },
  {
    id: 'bidirectional-tagging',
    title: 'Bidirectional RNN for tagging',
    settings: { task: 'tagging', loss: 'xent', cell: 'gru', bidirectional: true, hidden: 32 },
    text:
      'Each tag depends on the symbol three steps later. A forward-only network cannot see it, and its token ' +
      'accuracy is capped at 62.5% (the forward-only ceiling under Prediction). The bidirectional network also reads the sequence ' +
      'backwards, so that line does not bind it: train, then switch Bidirectional off and train again.',
    panel: 'prediction'
  },
  {
    id: 'char-generation',
    title: 'Character-level text generation',
    settings: {
      task: 'chars',
      loss: 'xent',
      cell: 'lstm',
      hidden: 128,
      seqLength: 50,
      temperature: 0.7
    },
    text:
      'An LSTM learns to predict the next character of a small corpus and then writes text one character at ' +
      'a time. The temperature divides the logits before sampling: low values pick the likeliest characters ' +
      '(safe, repetitive text), high values flatten the distribution (varied text, more mistakes).',
    panel: 'prediction'
  }
];

const BY_ID: ReadonlyMap<string, Preset> = new Map(PRESETS.map((p) => [p.id, p]));

/** The preset of an id, ignoring case, or undefined. */
export function findPreset(id: string): Preset | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

/** The full config of a preset: the defaults with its settings. */
export function presetConfig(preset: Preset): Config {
  return validateConfig({ ...preset.settings }).config;
}

// ---------------------------------------------------------------------------------------------
// Guided stories
// ---------------------------------------------------------------------------------------------

export interface StoryStep {
  /** The preset this step loads. */
  preset: string;
  /** What the story says at this step (the preset's own text is shown too). */
  text: string;
}

export interface Story {
  id: string;
  title: string;
  steps: readonly StoryStep[];
}

export const STORIES: readonly Story[] = [
  {
    id: 'vanishing-exploding',
    title: 'Why plain RNNs forget: vanishing and exploding gradients',
    steps: [
      {
        preset: 'vanishing-tanh',
        text: 'Start with a plain tanh RNN. The gradient that reaches the early steps is tiny.'
      },
      {
        preset: 'exploding-relu',
        text: 'Make W_hh larger and use ReLU: now the gradient grows step after step instead.'
      },
      {
        preset: 'decaying-relu',
        text: 'Halve the variance of W_hh: back to decay. The scale of W_hh decides which way it goes.'
      },
      {
        preset: 'clipping',
        text: 'A first remedy for the explosion: clip the gradient’s norm before each update.'
      },
      {
        preset: 'lstm-cell-state',
        text: 'The lasting remedy for vanishing: a gated cell whose state carries the gradient back.'
      }
    ]
  },
  {
    id: 'initialization',
    title: 'Start in the right place: initialization',
    steps: [
      {
        preset: 'vanishing-tanh',
        text: 'A random W_hh scaled to ρ = 0.9: the gradient fades over 100 steps.'
      },
      {
        preset: 'orthogonal',
        text: 'An orthogonal W_hh keeps vector lengths: far less fading.'
      },
      {
        preset: 'irnn',
        text: 'The identity with ReLU: at the start, the gradient passes back almost unchanged.'
      },
      {
        preset: 'echo-state',
        text: 'Or do not train W_hh at all: an echo state network fits only its readout.'
      }
    ]
  },
  {
    id: 'sequence-to-sequence',
    title: 'Sequence to sequence: how the decoder is fed',
    steps: [
      {
        preset: 'teacher-forcing',
        text: 'Teacher forcing: the decoder reads the true previous token while it learns.'
      },
      {
        preset: 'free-running',
        text: 'Free-running: it reads its own guesses, in training as at test time.'
      },
      {
        preset: 'scheduled-sampling',
        text: 'Scheduled sampling: from one to the other during training.'
      }
    ]
  }
];

const STORY_BY_ID: ReadonlyMap<string, Story> = new Map(STORIES.map((s) => [s.id, s]));

/** The story of an id, ignoring case, or undefined. */
export function findStory(id: string): Story | undefined {
  return STORY_BY_ID.get(id.trim().toLowerCase());
}
