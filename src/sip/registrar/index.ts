/** The embedded registrar (docs/sip.md, "Embedded registrar"). */
export { Registrar, type RegisterAnswer } from './registrar.js';
export { REGISTRAR_DEFAULTS, type RegisteredContact, type RegistrarOptions } from './registrar-options.js';
export { checkExtensions, DEFAULT_EXTENSION_GROUP, DEFAULT_MAX_CONTACTS, type Extension, type ExtensionCheck, type ExtensionDefinition } from './extension-config.js';
export { ExtensionDirectory } from './extension-directory.js';
export { BindingTable, contactKey, DEFAULT_MAX_BINDINGS, type Binding, type RegisterSource, type RegisterTransport } from './binding-table.js';
export { parseDeltaSeconds, readRegister, type RegisterReading, type RequestedContact } from './register-request.js';
export { SourceLockout, SOURCE_LOCKOUT_DEFAULTS, type SourceLockoutOptions } from './source-lockout.js';
export { IllegalSourceLockoutTransition, nextSourceLockoutState, type SourceLockoutEvent, type SourceLockoutState } from './source-lockout-state.js';
export { RegistrarService, type ExtensionView, type RegisterEndpoint, type RegistrarServiceOptions } from './registrar-service.js';
export { extensionDefinitionOf, groupsForLine, linesForExtension, type ExtensionConfig, type RegistrarConfig } from './registrar-config.js';
