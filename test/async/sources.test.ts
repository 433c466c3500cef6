/** The async-map cases of Blobs, user sources and bad calls under jest. */
import { callCases } from './cases/calls.js';
import { sourceCases } from './cases/sources.js';
import { runAsyncCases } from './run-jest.js';

runAsyncCases('openMapAsync() of Blobs and AsyncPageSources', [...sourceCases, ...callCases]);
