/** The page for the remote cases in Chromium: served by the control server, nginx and the fault server on other origins (CORS). */
import { detectBackend, openMapAsync } from 'portable-mmap';
import { allAsyncCases } from '../async/cases/index.js';
import { runAsyncCases } from '../async/run-cases.js';
import { webRemoteFixture } from '../async/web-fixture.js';

(globalThis as { runConformance?: () => Promise<string> }).runConformance = async () => {
  const fixture = await webRemoteFixture('nginx (Chromium, cross-origin with CORS)', location.origin, openMapAsync, {
    refusesUnadvertisedEncoding: true,
  });
  // ?only=<part of a case name> runs the cases that match, for debugging one.
  const only = new URLSearchParams(location.search).get('only');
  const cases = allAsyncCases.filter((c) => only === null || c.name.includes(only));
  return JSON.stringify({ detected: detectBackend(), results: [await runAsyncCases(fixture, cases)] });
};
