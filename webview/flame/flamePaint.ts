// How the flame graph's frames look: the theme's colours as the canvas needs them, labels cut to
// fit, and the drawing of a block of merged sub-pixel frames. Text reaches the canvas only through
// fillText.
import { el } from '../waterfall/dom';

export const FLAME_ROW_HEIGHT = 20;
export const MIN_LABEL_PX = 28;
export const PALETTE = [
  '--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan', '--vscode-terminal-ansiMagenta', '--vscode-terminal-ansiBrightBlue', '--vscode-terminal-ansiBrightGreen',
  '--vscode-terminal-ansiBrightYellow', '--vscode-terminal-ansiBrightMagenta', '--vscode-terminal-ansiBrightCyan',
];

export interface Colors { fills: string[]; texts: string[]; text: string; muted: string; error: string; focus: string; match: string; background: string }

/** Merged sub-pixel frames at one depth: where they are and what they hold. */
export interface Run { depth: number; px0: number; px1: number; u0: number; u1: number; spans: number; matches: number; hidden: number; selected: boolean; error: boolean }

/** Draws a block of merged frames: hatched, an outline only when every frame in it is hidden. */
export function paintMergedRun(ctx: CanvasRenderingContext2D, run: Run, top: number, colors: Colors, searching: boolean, charWidth: number): void {
  const y = run.depth * FLAME_ROW_HEIGHT - top;
  const left = run.px0;
  const wpx = Math.max(1, run.px1 - run.px0);
  if (run.hidden === run.spans) {
    ctx.strokeStyle = colors.muted;
    ctx.globalAlpha = 0.5;
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, y + 0.5, Math.max(1, wpx - 1), FLAME_ROW_HEIGHT - 2);
    ctx.globalAlpha = 1;
    return;
  }
  ctx.globalAlpha = searching && run.matches === 0 ? 0.3 : 0.7;
  ctx.fillStyle = run.error ? colors.error : colors.muted;
  ctx.fillRect(left, y, wpx, FLAME_ROW_HEIGHT - 1);
  // Hatching tells a merged block from a frame of a grey-ish service.
  ctx.globalAlpha = 1;
  ctx.fillStyle = colors.background;
  for (let k = 0; k < wpx; k += 4) ctx.fillRect(left + k, y + ((k / 4) % 2 ? 4 : 10), 1, 4);
  if (wpx >= MIN_LABEL_PX * 2) {
    ctx.fillStyle = colors.text;
    ctx.fillText(fit(`${run.spans.toLocaleString('en-US')} spans`, (wpx - 8) / charWidth), left + 4, y + FLAME_ROW_HEIGHT / 2, wpx - 6);
  }
  if (run.selected || (searching && run.matches > 0)) {
    ctx.strokeStyle = run.selected ? colors.focus : colors.match;
    ctx.lineWidth = 2;
    ctx.strokeRect(left + 1, y + 1, Math.max(1, wpx - 2), FLAME_ROW_HEIGHT - 3);
  }
}

/** Cuts a label to about `chars` characters (the canvas is told the width too, as a bound). */
export function fit(label: string, chars: number): string {
  const max = Math.floor(chars);
  if (label.length <= max) return label;
  return max <= 1 ? '' : `${label.slice(0, max - 1)}…`;
}

/** Theme colours as the canvas needs them: resolved through a probe element (CSSOM, allowed by the CSP). */
export function readColors(host: HTMLElement): Colors {
  const probe = el('span');
  probe.hidden = true;
  host.append(probe);
  const resolve = (cssVar: string, fallback: string) => {
    probe.style.color = fallback;
    probe.style.color = `var(${cssVar}, ${fallback})`;
    return getComputedStyle(probe).color;
  };
  const fills = PALETTE.map((v) => resolve(v, 'steelblue'));
  const foreground = resolve('--vscode-editor-foreground', 'white');
  const background = resolve('--vscode-editor-background', 'black');
  // On each fill, whichever of the editor's two colours stands out more.
  const texts = fills.map((c) => (Math.abs(luminance(c) - luminance(foreground)) >= Math.abs(luminance(c) - luminance(background)) ? foreground : background));
  const colors: Colors = {
    fills, texts, background,
    text: resolve('--vscode-foreground', 'gray'),
    muted: resolve('--vscode-descriptionForeground', 'gray'),
    error: resolve('--vscode-errorForeground', 'red'),
    focus: resolve('--vscode-focusBorder', 'blue'),
    match: resolve('--vscode-editor-findMatchHighlightBorder', foreground),
  };
  probe.remove();
  return colors;
}

function luminance(rgb: string): number {
  const m = /(\d+(?:\.\d+)?)\D+(\d+(?:\.\d+)?)\D+(\d+(?:\.\d+)?)/.exec(rgb);
  if (!m) return 0.5;
  return (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255;
}
