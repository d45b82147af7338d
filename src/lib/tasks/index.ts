import type { Config, Notice } from '$lib/config';
import type { TrainingSpec } from '$lib/engine/trainer';
import { addingTask } from './adding';
import { additionTask } from './addition';
import { charsTask } from './chars';
import { countingTask } from './counting';
import { esnTask } from './esn';
import { firstSymbolTask } from './first-symbol';
import { mackeyGlassTask } from './mackey-glass';
import { parityTask } from './parity';
import { reverseTask } from './reverse';
import { sineTask } from './sine';
import { sinesTask } from './sines';
import { taggingTask } from './tagging';
import { waveformTask } from './waveform';
import type { Task } from './task';

export type { Baseline, Pattern, Prediction, Task } from './task';

/** Every task by its config name. */
export const TASKS: Record<Config['task'], Task> = {
  sine: sineTask,
  sines: sinesTask,
  adding: addingTask,
  'first-symbol': firstSymbolTask,
  parity: parityTask,
  counting: countingTask,
  tagging: taggingTask,
  'mackey-glass': mackeyGlassTask,
  chars: charsTask,
  esn: esnTask,
  reverse: reverseTask,
  addition: additionTask,
  waveform: waveformTask
};

/**
 * The engine's training spec for a config: sizes from the task, everything else from the config.
 * Where the task fixes something the config also names (the loss), the task wins, with a notice.
 */
export function trainingSpec(config: Config): {
  task: Task;
  spec: TrainingSpec;
  notices: Notice[];
} {
  const notices: Notice[] = [];
  const task = TASKS[config.task];
  let loss = config.loss;
  if (loss !== task.loss) {
    notices.push({
      key: 'loss',
      kind: 'adjusted',
      message: `The ${task.name} task is scored with ${task.loss === 'mse' ? 'mean squared error' : 'cross-entropy'}; using loss=${task.loss}.`
    });
    loss = task.loss;
  }
  let readout = config.readout;
  if (!task.readouts.includes(readout)) {
    readout = task.readouts[0];
    notices.push({
      key: 'readout',
      kind: 'adjusted',
      message: `The ${task.name} task needs readout=${task.readouts.join(' or ')}; using readout=${readout}.`
    });
  }
  const spec: TrainingSpec = {
    network: {
      cell: config.cell,
      activation: config.activation,
      inputSize: task.inputSize,
      hidden: config.hidden,
      layers: config.layers,
      bidirectional: config.bidirectional,
      readout,
      outputSize: task.outputSize,
      peepholes: config.peepholes,
      learnedInitialState: config.initialState === 'learned'
    },
    init: {
      recurrent: config.initRecurrent,
      input: config.initInput,
      gainSquared: config.gainSquared,
      spectralRadius: config.spectralRadius,
      forgetBias: config.forgetBias,
      seed: config.seed
    },
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    clipping: config.clipping,
    clipThreshold: config.clipThreshold,
    truncation: config.truncation,
    loss,
    sequence: task.sequence && {
      ...task.sequence,
      teacherForcing: config.teacherForcing,
      schedule: config.schedule,
      scheduleSteps: config.scheduleSteps
    }
  };
  return { task, spec, notices };
}
