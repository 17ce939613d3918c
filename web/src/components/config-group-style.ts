/**
 * Layout of the settings forms' fieldsets, set through the DOM's style object (the page's
 * Content-Security-Policy refuses style attributes in markup, not this) so the shared style sheet in
 * the first load stays as it is: fields stacked with a gap, and no fieldset wider than a phone screen.
 */
export const GROUP_STYLE = { minWidth: 0, display: 'flex', flexDirection: 'column', gap: '.8rem', padding: '.6rem .75rem .9rem' } as const;
