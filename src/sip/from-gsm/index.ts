/** GSM → SIP calls: forward targets, forking UAC, caller identity, the CallRouter (see docs/sip.md, section GSM → SIP calls). */
export { createGsmToSipRouter, GsmToSipRouter, type GsmToSipRouterOptions } from './gsm-to-sip-router.js';
export { ForkingUac, type ForkBranchSpec, type ForkEndpoint, type ForkingUacOptions, type ForkOutcome } from './forking-uac.js';
export { ForwardedCall, type ForwardedCallState } from './forwarded-call.js';
export { branchNextState, branchPending, forkNextState, type BranchEvent, type BranchState, type ForkEvent, type ForkState } from './fork-state.js';
export { bestFailure, type BranchFailure } from './best-response.js';
export { callerIdentity, rewriteCallerNumber, type CallerIdentity, type CallerIdInput, type CallerIdMode } from './caller-id.js';
export { parseForwardHost, planTargets, planUser, type ForwardAccount, type ForwardHost, type PlannedBranch, type TargetLookups, type TargetPlan } from './fork-targets.js';
export { buildForkInvite, type ForkInviteSpec, type LocalContact } from './fork-invite.js';
export type { MediaSession, MediaSessions } from '../../media/media-contract.js';
export { TwoStageCall, NO_INVITE, type SecondStage, type TwoStageCallOptions, type TwoStageState } from './two-stage-call.js';
export { MAX_SECOND_NUMBER, planSecondNumber, twoStageApplies, type SecondNumberPlan } from './two-stage-plan.js';
