import { describe, expect, it } from 'vitest';
import { convergencePanelsSpec, convergencePanelsSvg, convergencePlotSvg } from '../lib/plot';

/** The data rows a panel of the Vega-Lite spec carries. */
function rowsOf(spec: Record<string, unknown>): { series: string; x: number; y: number }[] {
  return (spec.data as { values: { series: string; x: number; y: number }[] }).values;
}

describe('convergence plots', () => {
  it('renders a titled SVG with labelled axes, a legend and one line per series', async () => {
    const svg = await convergencePlotSvg(
      [
        { name: 'first', x: [0, 1, 2, 3], y: [1, 0.1, 0.01, 0.001] },
        { name: 'second', x: [0, 1, 2], y: [1, 0.5, 0.25] },
      ],
      { title: 'A title', xTitle: 'the x axis', yTitle: 'the y axis', legendTitle: 'the legend' },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<g class="mark-line role-mark/g)).toHaveLength(2);
    for (const text of ['A title', 'the x axis', 'the y axis', 'the legend', 'first', 'second']) {
      expect(svg).toContain(`>${text}</text>`);
    }
  });

  it('leaves out points a log axis cannot show, and keeps the input order', () => {
    const spec = convergencePanelsSpec([
      { series: [{ name: 's', x: [1, 2, 3, 4, 5], y: [1, 0, -1, NaN, 1e-3] }], xTitle: 'x', xLog: true },
    ]);
    expect(rowsOf(spec).map((r) => [r.x, r.y])).toEqual([[1, 1], [5, 1e-3]]);
    const linear = convergencePanelsSpec([{ series: [{ name: 's', x: [0, 1], y: [-1, 2] }], xTitle: 'x' }], { yLog: false });
    expect(rowsOf(linear).map((r) => [r.x, r.y])).toEqual([[0, -1], [1, 2]]);
  });

  it('puts several panels side by side with one shared legend', async () => {
    const series = [{ name: 'a', x: [1, 10], y: [1, 0.1] }];
    const spec = convergencePanelsSpec([{ series, xTitle: 'calls' }, { series, xTitle: 'ms', xLog: true }]);
    expect((spec.hconcat as unknown[]).length).toBe(2);
    const svg = await convergencePanelsSvg([{ series, xTitle: 'calls' }, { series, xTitle: 'ms', xLog: true }]);
    expect(svg.match(/<g class="mark-group role-legend"/g)).toHaveLength(1);
    expect(svg).toContain('>calls</text>');
    expect(svg).toContain('>ms</text>');
  });

  it('rejects mismatched coordinates and an empty figure', () => {
    expect(() => convergencePanelsSpec([{ series: [{ name: 'bad', x: [1, 2], y: [1] }], xTitle: 'x' }])).toThrow(/series "bad": x has length 2 but y has length 1/);
    expect(() => convergencePanelsSpec([])).toThrow(RangeError);
  });
});
