/**
 * The policy set a fresh Castellan starts with: reads are free, routine writes are allowed,
 * risky writes need a human, a tainted run may not make critical changes at all, and data
 * leaving the organisation after untrusted content needs people (or is forbidden outright when
 * personal data would go to a recipient the untrusted content named). It is a
 * TypeScript constant rather than a .cedar file so that it ships inside the bundle with nothing
 * to locate on disk at run time.
 */
export const STARTER_POLICIES: Record<string, string> = {
  'starter.cedar': `// Castellan starter policies. Cedar denies by default and a forbid beats any permit;
// @approval turns a permit into "allowed once the named role approves" (quorum 1 unless
// @quorum says otherwise). Tool actions sit in the action groups
// Castellan::Action::"effect:read|write" and Castellan::Action::"risk:low|medium|high|critical".

// Observing does not change the world: any agent may call a read tool.
@id("read-tools")
permit (
  principal is Castellan::Agent,
  action in Castellan::Action::"effect:read",
  resource
);

// Low- and medium-risk writes are the routine work agents are configured for.
@id("routine-writes")
permit (
  principal is Castellan::Agent,
  action in Castellan::Action::"effect:write",
  resource
)
when {
  action in Castellan::Action::"risk:low" ||
  action in Castellan::Action::"risk:medium"
};

// High and critical writes are allowed only after a person holding "approver" says yes.
@id("risky-writes-need-approval")
@approval("approver")
permit (
  principal is Castellan::Agent,
  action in Castellan::Action::"effect:write",
  resource
)
when {
  action in Castellan::Action::"risk:high" ||
  action in Castellan::Action::"risk:critical"
};

// Once untrusted content has entered the run, a critical write could be the attacker's
// instruction: no approval can make it safe. context.tainted is read without a "has" guard on
// purpose: a request without it errors, and an erroring policy denies the request.
@id("no-critical-writes-after-taint")
forbid (
  principal,
  action in Castellan::Action::"effect:write",
  resource
)
when { action in Castellan::Action::"risk:critical" && context.tainted };

// The classic injected-instruction attack: untrusted content (a mail body, a web page) names
// an outside recipient and the planner sends it customer data. When the organisation's own
// personal data (first seen in the prompt or a trusted tool's output) would go to an external
// destination together with an argument whose value first appeared in untrusted content, no
// approval can make it safe. Provenance is computed by the runtime, not the model.
@id("no-personal-data-to-untrusted-recipients")
forbid (
  principal,
  action in Castellan::Action::"effect:write",
  resource
)
when {
  context.destination == "external" &&
  !context.untrustedArgs.isEmpty() &&
  context.ownDataClasses.containsAny(["email", "phone", "card", "iban", "us-ssn", "uk-nino"])
};

// A value that came from untrusted content and now leaves the organisation (a payee's IBAN
// from an e-mail, an address from a web page) needs two approvers, whatever the tool's risk.
@id("untrusted-values-to-external-need-two-approvers")
@approval("approver")
@quorum("2")
permit (
  principal is Castellan::Agent,
  action in Castellan::Action::"effect:write",
  resource
)
when { context.destination == "external" && !context.untrustedArgs.isEmpty() };

// After reading untrusted content, nothing leaves the organisation without a person: the
// planner may be acting on the content's instructions even when no value was copied.
@id("external-writes-after-taint-need-approval")
@approval("approver")
permit (
  principal is Castellan::Agent,
  action in Castellan::Action::"effect:write",
  resource
)
when { context.destination == "external" && context.tainted };
`,
};
