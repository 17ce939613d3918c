/** The SIP dialog layer (RFC 3261 §12–§15, RFC 6026): see docs/sip.md, section Dialogs. */
export { Dialog, TARGET_REFRESH_METHODS, type BuiltRequest, type DialogCreateFailure, type DialogCreateVerdict, type InDialogRequestOptions, type RemoteSeqVerdict } from './dialog.js';
export { dialogIdOfIncomingRequest, dialogIdOfIncomingResponse, dialogKey, type DialogId } from './dialog-id.js';
export type { DialogLocalSpec, DialogSend, DialogSendTarget, DialogViaSpec } from './dialog-options.js';
export { DIALOG_EVENTS, DIALOG_STATES, dialogAccepts, dialogNextState, type DialogEvent, type DialogState } from './dialog-state.js';
export { DialogTable } from './dialog-table.js';
export { DialogLayer, type DialogLayerOptions, type InDialogRequestVerdict, type InDialogResponseVerdict } from './dialog-layer.js';
export { routeInDialogRequest, routeSetFrom, type DialogRole, type InDialogRouting, type RouteSetVerdict } from './route-set.js';
export { UacInvite, type UacCancelVerdict, type UacInviteOptions, type UacResponseVerdict } from './uac-invite.js';
export { UAC_INVITE_EVENTS, UAC_INVITE_STATES, uacInviteNextState, type UacInviteEvent, type UacInviteState } from './uac-invite-state.js';
export { UasInvite, type UasInviteOptions, type UasNoAckReport, type UasRespondVerdict } from './uas-invite.js';
export { UAS_INVITE_EVENTS, UAS_INVITE_STATES, uasInviteNextState, type UasInviteEvent, type UasInviteState } from './uas-invite-state.js';
export { Uas2xxRetransmitter, type RetransmitterOptions } from './uas-2xx-retransmitter.js';
export { RETRANSMITTER_EVENTS, RETRANSMITTER_STATES, retransmitterNextState, type RetransmitterEvent, type RetransmitterState } from './uas-2xx-retransmitter-state.js';
