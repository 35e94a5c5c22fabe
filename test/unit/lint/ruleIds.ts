import type { SourceRuleId } from '../../../src/core/lint/findings';

export const SOURCE_RULE_IDS: readonly SourceRuleId[] = ['SN001', 'SN002', 'SN011', 'SD001', 'SD002', 'SD003', 'SD005'];
