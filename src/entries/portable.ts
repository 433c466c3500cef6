/** The default entry for runtimes without a condition of their own. */
import '../platforms/portable.js';

export * from '../index.js';
