/**
 * The `source` of every diagnostic Trace Lens publishes (lint findings and performance insights), so
 * the Problems view groups them and the assistant tools find them again.
 */
export const DIAGNOSTIC_SOURCE = 'Trace Lens';
