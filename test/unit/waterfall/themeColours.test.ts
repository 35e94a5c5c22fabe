import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('waterfall styles', () => {
  const read = (file: string) => readFileSync(path.resolve(__dirname, '../../../media', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const css = read('waterfall.css');

  it('takes every colour from a VS Code theme variable (light, dark and high contrast follow)', () => {
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, 'no hex colours');
    assert.doesNotMatch(css, /\b(rgb|rgba|hsl|hsla|hwb|lab|lch|oklch|color-mix)\(/i, 'no colour functions');
    const colourProps: string[] = css.match(/(?:^|[;{\s])(color|background|background-color|border-color|outline|box-shadow)\s*:[^;}]*/g) ?? [];
    assert.ok(colourProps.length > 20);
    // The flame graph's sheet (the colours it draws with come from the same variables, resolved in the page).
    const flame = read('flame.css');
    assert.doesNotMatch(flame, /#[0-9a-f]{3,8}\b|\b(rgb|rgba|hsl|hsla)\(/i);
    colourProps.push(...(flame.match(/(?:^|[;{\s])(color|background|background-color|border-color|outline|box-shadow)\s*:[^;}]*/g) ?? []));
    for (const decl of colourProps) {
      if (/:\s*(none|transparent|inherit|0)\b/.test(decl) && !/var\(/.test(decl)) continue;
      assert.match(decl, /var\(--vscode-[\w-]+\)/, decl.trim());
    }
  });

  it('uses at least twelve service colours from the charts and terminal palettes', () => {
    const palette = css.match(/\.svc-\d+ \{ background: var\(--vscode-(charts|terminal)-\w+\); \}/g) ?? [];
    assert.equal(palette.length, 12);
  });
});
