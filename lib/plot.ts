/**
 * Convergence plots as SVG (spec §3.6): one line per method, log-scaled suboptimality on the y-axis, one or
 * more side-by-side panels (e.g. against oracle calls and against time).
 *
 * The figure is described in Vega-Lite, compiled to Vega and rendered headlessly with Vega's SVG renderer
 * (`renderer: 'none'` + `toSVG()`): no canvas, no browser, no network. Both packages are ESM-only with
 * top-level await, so they are loaded lazily with a real `import()` (tsc's CommonJS output would turn a
 * plain `import()` into `require()`, which cannot load them); a program that never plots never loads them.
 */
import { pathToFileURL } from 'node:url';

/** One line of a convergence plot. */
export interface ConvergenceSeries {
  /** Legend label (usually the method name). */
  name: string;
  /** x coordinates (oracle calls, iterations, milliseconds, ...), same length as `y`. */
  x: ArrayLike<number>;
  /** y coordinates (a suboptimality). Points with y ≤ 0 or a non-finite coordinate are left out on log axes. */
  y: ArrayLike<number>;
}

/** One panel of a multi-panel convergence figure. */
export interface ConvergencePanel {
  /** The lines of this panel; a series with the same `name` gets the same colour in every panel. */
  series: readonly ConvergenceSeries[];
  /** x-axis title (say what is counted, e.g. "oracle calls (nfev + ngev + nhdiag + nhvp)"). */
  xTitle: string;
  /** Log-scaled x-axis (default false). */
  xLog?: boolean;
  /** Panel title (default none). */
  title?: string;
}

/** Options of {@link convergencePlotSvg} and {@link convergencePanelsSvg}. */
export interface ConvergencePlotOptions {
  /** Figure title (default "Convergence"). */
  title?: string;
  /** Subtitle line under the title (default none). */
  subtitle?: string;
  /** x-axis title for the single-panel {@link convergencePlotSvg} (default "iteration"). */
  xTitle?: string;
  /** Log-scaled x-axis for {@link convergencePlotSvg} (default false). */
  xLog?: boolean;
  /** y-axis title (default "f − f_min"). */
  yTitle?: string;
  /** Log-scaled y-axis (default true). */
  yLog?: boolean;
  /** Legend title (default "method"); an array gives one line per element. */
  legendTitle?: string | readonly string[];
  /** Width of each panel's plotting area in pixels (default 420). */
  width?: number;
  /** Height of each panel's plotting area in pixels (default 300). */
  height?: number;
}

/** The parts of the vega and vega-lite modules used here (typed loosely: both are optional to load). */
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

// A real dynamic import that tsc's CommonJS transform leaves alone (see the file comment).
const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** Imports an ESM package by name, resolved to an absolute file so that it works from any directory. */
async function importEsm(name: string): Promise<unknown> {
  const url = pathToFileURL(require.resolve(name)).href;
  try {
    return await nativeImport(url);
  } catch (e) {
    // A vm-based module runner (vitest) gives code made by `new Function` no dynamic-import callback; there
    // the runner handles a literal import() itself. (In dist/, tsc turns this one into require(), but the
    // branch is never reached under plain Node.)
    if ((e as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw e;
    return import(url);
  }
}

let modules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** Loads vega and vega-lite once. */
function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  modules ??= (async () => {
    const [vega, vegaLite] = await Promise.all([importEsm('vega'), importEsm('vega-lite')]);
    return { vega: vega as VegaModule, vegaLite: vegaLite as VegaLiteModule };
  })();
  return modules;
}

interface Row {
  series: string;
  order: number;
  x: number;
  y: number;
}

function rowsOf(series: readonly ConvergenceSeries[], xLog: boolean, yLog: boolean): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    if (s.x.length !== s.y.length) {
      throw new RangeError(`series "${s.name}": x has length ${s.x.length} but y has length ${s.y.length}`);
    }
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((xLog && x <= 0) || (yLog && y <= 0)) continue; // not representable on a log axis
      rows.push({ series: s.name, order: i, x, y });
    }
  }
  return rows;
}

/**
 * Builds the Vega-Lite specification of a convergence figure (exported for tests and for callers that want
 * to restyle it before rendering with {@link renderVegaLiteSvg}).
 */
export function convergencePanelsSpec(panels: readonly ConvergencePanel[], options: ConvergencePlotOptions = {}): Record<string, unknown> {
  if (panels.length === 0) throw new RangeError('panels: expected at least one panel');
  const yLog = options.yLog ?? true;
  const names: string[] = [];
  for (const p of panels) for (const s of p.series) if (!names.includes(s.name)) names.push(s.name);
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  const legendTitle = options.legendTitle ?? 'method';
  const yTitle = options.yTitle ?? 'f − f_min';
  const layers = panels.map((p) => {
    const xLog = p.xLog ?? false;
    return {
      ...(p.title ? { title: p.title } : {}),
      width,
      height,
      data: { values: rowsOf(p.series, xLog, yLog) },
      mark: { type: 'line', strokeWidth: 1.8, clip: true },
      encoding: {
        x: {
          field: 'x', type: 'quantitative', title: p.xTitle,
          scale: xLog ? { type: 'log' } : { type: 'linear', zero: true },
          axis: { grid: true, ...(xLog ? { format: '~g' } : {}) },
        },
        y: {
          field: 'y', type: 'quantitative', title: yTitle,
          scale: yLog ? { type: 'log' } : { type: 'linear' },
          axis: { grid: true, format: yLog ? '.0e' : '~g' },
        },
        color: {
          field: 'series', type: 'nominal', title: legendTitle,
          scale: { domain: names, scheme: 'tableau10' },
          legend: { orient: 'right', labelLimit: 300, titleLimit: 300 },
        },
        order: { field: 'order', type: 'quantitative' },
      },
    };
  });
  const title = { text: options.title ?? 'Convergence', ...(options.subtitle ? { subtitle: options.subtitle } : {}) };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', title };
  if (layers.length === 1) return { ...base, ...layers[0] };
  return { ...base, hconcat: layers, resolve: { scale: { color: 'shared' } } };
}

/** Compiles a Vega-Lite specification and renders it to an SVG string (headless, no canvas). */
export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A convergence figure with several side-by-side panels sharing the y-axis quantity and the legend, e.g.
 * suboptimality against oracle calls and against time (spec §3.6, the paper's figures).
 * @returns the SVG document as a string
 */
export function convergencePanelsSvg(panels: readonly ConvergencePanel[], options: ConvergencePlotOptions = {}): Promise<string> {
  return renderVegaLiteSvg(convergencePanelsSpec(panels, options));
}

/**
 * A single-panel convergence plot (default: f − f_min against iteration, log y-axis), one line per series,
 * titled, with labelled axes and a legend.
 *
 * @example
 *   const svg = await convergencePlotSvg(
 *     [{ name: 'lbfgs', x: r.trace.map((t) => t.iter), y: r.trace.map((t) => t.fun - fMin) }],
 *     { title: 'breast cancer, logistic' });
 * @returns the SVG document as a string
 */
export function convergencePlotSvg(series: readonly ConvergenceSeries[], options: ConvergencePlotOptions = {}): Promise<string> {
  const panel: ConvergencePanel = { series, xTitle: options.xTitle ?? 'iteration', xLog: options.xLog ?? false };
  return convergencePanelsSvg([panel], options);
}
