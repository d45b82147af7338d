/**
 * The pure parts of the picture export: which computed styles are written inline (only what an
 * element would not get anyway), the colour legends' CSS gradients read as SVG stops, and which
 * colours paint. The DOM walk itself is checked in a real browser (e2e/export.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { inlineStyle, isPainted, parseLinearGradient } from './picture';

const styleOf =
  (values: Record<string, string>) =>
  (property: string): string =>
    values[property] ?? '';

describe('inline styles', () => {
  it('the root writes what differs from the initial values', () => {
    const root = styleOf({
      fill: 'rgb(0, 0, 0)',
      stroke: 'rgb(27, 158, 119)',
      'stroke-width': '3px',
      'stroke-dasharray': '8px, 5px',
      opacity: '1',
      'font-size': '14px'
    });
    expect(inlineStyle(root, null)).toBe(
      'stroke: rgb(27, 158, 119); stroke-width: 3px; stroke-dasharray: 8px, 5px; font-size: 14px'
    );
  });

  it('a child writes inherited properties only where they differ from its parent', () => {
    const parent = styleOf({ fill: 'rgb(10, 20, 30)', 'font-size': '14px', opacity: '0.5' });
    // The same fill and size as the parent: inherited in the file too. Opacity is not inherited:
    // the child's computed 1 is the initial value, so it is left out.
    expect(
      inlineStyle(styleOf({ fill: 'rgb(10, 20, 30)', 'font-size': '14px', opacity: '1' }), parent)
    ).toBe('');
    // Back to black under a coloured parent: it must be written, though black is the initial fill.
    expect(inlineStyle(styleOf({ fill: 'rgb(0, 0, 0)', 'font-size': '14px' }), parent)).toBe(
      'fill: rgb(0, 0, 0)'
    );
    expect(inlineStyle(styleOf({ opacity: '0.85', 'font-size': '14px' }), parent)).toContain(
      'opacity: 0.85'
    );
  });
});

describe('legend gradients', () => {
  it('reads the stops of the legends’ left-to-right gradients', () => {
    expect(
      parseLinearGradient(
        'linear-gradient(to right, rgb(0, 0, 4) 0%, rgb(252, 253, 191) 50%, rgb(255, 255, 255) 100%)'
      )
    ).toEqual({
      direction: 'right',
      stops: [
        { colour: 'rgb(0, 0, 4)', offset: 0 },
        { colour: 'rgb(252, 253, 191)', offset: 0.5 },
        { colour: 'rgb(255, 255, 255)', offset: 1 }
      ]
    });
  });

  it('spreads stops without positions evenly, top to bottom by default', () => {
    expect(parseLinearGradient('linear-gradient(red, rgb(0, 128, 0), blue)')).toEqual({
      direction: 'bottom',
      stops: [
        { colour: 'red', offset: 0 },
        { colour: 'rgb(0, 128, 0)', offset: 0.5 },
        { colour: 'blue', offset: 1 }
      ]
    });
  });

  it('leaves what it cannot draw as a plain gradient', () => {
    expect(parseLinearGradient('none')).toBeNull();
    expect(parseLinearGradient('linear-gradient(45deg, red 0%, blue 100%)')).toBeNull();
    expect(parseLinearGradient('radial-gradient(red, blue)')).toBeNull();
  });
});

describe('painted colours', () => {
  it('transparent and zero alpha do not paint', () => {
    expect(isPainted('rgba(0, 0, 0, 0)')).toBe(false);
    expect(isPainted('transparent')).toBe(false);
    expect(isPainted('rgb(0 0 0 / 0)')).toBe(false);
    expect(isPainted('rgb(255, 255, 255)')).toBe(true);
    expect(isPainted('rgba(127, 127, 127, 0.25)')).toBe(true);
  });
});
