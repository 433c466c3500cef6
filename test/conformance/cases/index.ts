/** Every conformance case, in a stable order. */
import type { Case } from '../harness.js';
import { readCases } from './read.js';

export const allCases: Case[] = [...readCases];
