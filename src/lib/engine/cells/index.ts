import type { Activation, CellType } from '../types';
import type { Cell } from './cell';
import { gruCell } from './gru';
import { lstmCell } from './lstm';
import { vanillaCell } from './rnn';

export type { Cell, RecurrentWeights, StepGradients, StepRecord } from './cell';

/** The cell for a network spec. */
export function makeCell(cell: CellType, activation: Activation): Cell {
  switch (cell) {
    case 'rnn':
      return vanillaCell(activation);
    case 'lstm':
      return lstmCell();
    case 'gru':
      return gruCell();
  }
}
