/** Every async-map case, in a stable order. */
import type { AsyncCase } from '../harness.js';
import { callCases } from './calls.js';
import { remoteCases } from './remote.js';
import { sourceCases } from './sources.js';

export const allAsyncCases: AsyncCase[] = [...remoteCases, ...sourceCases, ...callCases];
