import type { RouterOutputs } from "../api/trpc";

export type SyncRun = RouterOutputs["sync"]["runs"][number];
export type SyncConflict = RouterOutputs["sync"]["conflicts"][number];
export type EventSnapshot = NonNullable<SyncConflict["platformVersion"]>;
export type SyncFormation = RouterOutputs["sync"]["formations"][number];
export type OutlookState = SyncFormation["outlookState"];
export type FailedJob = RouterOutputs["sync"]["failedJobs"][number];
