/** Whether this is the debug build (asserts on): `if (DEBUG) assert(…)` costs nothing in the shipped build. */
@inline export const DEBUG: bool = !ASC_NO_ASSERT;
