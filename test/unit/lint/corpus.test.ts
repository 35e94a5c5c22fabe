import * as assert from 'node:assert/strict';
import { SourceLinter } from '../../../src/core/lint/sourceLinter';
import { SOURCE_RULE_IDS } from './ruleIds';
import { formatScoreTable, scoreCorpus, type CorpusResult } from './corpusHarness';

const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.9;

describe('lint corpus: precision and recall per rule', () => {
  let result: CorpusResult;

  before(async function () {
    this.timeout(60000);
    result = await scoreCorpus(new SourceLinter());
    // The table is the point of this test: print it for the report and CI logs.
    console.log(`\n${result.files} corpus files\n${formatScoreTable(result.scores)}\n`);
    if (result.falsePositives.length) console.log(`false positives:\n  ${result.falsePositives.join('\n  ')}`);
    if (result.falseNegatives.length) console.log(`false negatives:\n  ${result.falseNegatives.join('\n  ')}`);
  });

  it('has positive cases for every source rule', () => {
    for (const id of SOURCE_RULE_IDS) {
      const s = result.scores.find((x) => x.ruleId === id);
      assert.ok(s && s.tp + s.fn >= 5, `${id} needs at least 5 expected findings in the corpus, has ${s ? s.tp + s.fn : 0}`);
    }
  });

  for (const id of SOURCE_RULE_IDS) {
    it(`${id}: precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL}`, () => {
      const s = result.scores.find((x) => x.ruleId === id);
      assert.ok(s, `no findings or expectations for ${id}`);
      assert.ok(s.precision >= MIN_PRECISION, `${id} precision ${s.precision.toFixed(3)}: ${result.falsePositives.filter((f) => f.includes(` ${id} `)).join('; ')}`);
      assert.ok(s.recall >= MIN_RECALL, `${id} recall ${s.recall.toFixed(3)}: ${result.falseNegatives.filter((f) => f.endsWith(id)).join('; ')}`);
    });
  }

  it('reports no rule the corpus does not expect at all', () => {
    const unexpected = result.scores.filter((s) => !(SOURCE_RULE_IDS as readonly string[]).includes(s.ruleId));
    assert.deepEqual(unexpected.map((s) => s.ruleId), []);
  });
});
