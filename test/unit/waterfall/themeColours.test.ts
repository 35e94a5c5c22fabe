import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('waterfall styles', () => {
  const css = readFileSync(path.resolve(__dirname, '../../../media/waterfall.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

  it('takes every colour from a VS Code theme variable (light, dark and high contrast follow)', () => {
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b/i, 'no hex colours');
    assert.doesNotMatch(css, /\b(rgb|rgba|hsl|hsla|hwb|lab|lch|oklch|color-mix)\(/i, 'no colour functions');
    const colourProps = css.match(/(?:^|[;{\s])(color|background|background-color|border-color|outline|box-shadow)\s*:[^;}]*/g) ?? [];
    assert.ok(colourProps.length > 20);
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
