/** Every conformance case, in a stable order. */
import type { Case } from '../harness.js';
import { cursorCases } from './cursor.js';
import { lifecycleCases } from './lifecycle.js';
import { optionCases } from './options.js';
import { readCases } from './read.js';
import { resizeCases } from './resize.js';
import { searchCases } from './search.js';
import { storageCases } from './storage.js';
import { streamCases } from './stream.js';
import { writeCases } from './write.js';

export const allCases: Case[] = [
  ...readCases,
  ...writeCases,
  ...searchCases,
  ...cursorCases,
  ...optionCases,
  ...resizeCases,
  ...storageCases,
  ...streamCases,
  ...lifecycleCases,
];
