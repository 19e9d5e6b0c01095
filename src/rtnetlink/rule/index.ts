import { family } from '../family.js';
import { ruleAttrs } from './attrs.js';
import { fibRuleHdr, FIB_RULE_HDR_SIZE } from './header.js';

export * from './header.js';
export * from './attrs.js';
export * from './names.js';

/** RTM_NEWRULE / DELRULE / GETRULE messages: struct fib_rule_hdr, then FRA_* attributes. */
export const ruleMessage = family('fib_rule_hdr', FIB_RULE_HDR_SIZE, fibRuleHdr, ruleAttrs);
export * from './view.js';
