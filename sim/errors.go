package sim

import (
	"errors"
	"fmt"
)

// Error codes are what a response (or, for a local refusal, an Outcome)
// carries in its "error" field: strings a protocol defines, compared with
// ==. Error values are Go errors the engine returns, compared with
// errors.Is. Both live here so that one listing names every way the
// engine says no.

// Error codes: OAuth 2.0 (RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1),
// OpenID Connect, bearer (RFC 6750), DPoP, and the engine's local
// refusals.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidGrant         = "invalid_grant"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeInvalidScope         = "invalid_scope"
	// CodeInvalidTarget: the resource parameter names a resource that is
	// invalid, unknown or malformed (RFC 8707 §2).
	CodeInvalidTarget           = "invalid_target"
	CodeAccessDenied            = "access_denied"
	CodeUnsupportedResponseType = "unsupported_response_type"
	CodeUnsupportedTokenType    = "unsupported_token_type"
	// OIDC Core §3.1.2.6: prompt=none and the user would have to sign in.
	CodeLoginRequired = "login_required"
	// RFC 6750 §3.1
	CodeInvalidToken      = "invalid_token"
	CodeInsufficientScope = "insufficient_scope"

	// DPoP error codes (RFC 9449 §5, §7.1, §8, §9).
	// CodeInvalidDPoPProof: the proof is missing, malformed or does not match.
	CodeInvalidDPoPProof = "invalid_dpop_proof"
	// CodeUseDPoPNonce: the server wants a proof carrying its nonce.
	CodeUseDPoPNonce = "use_dpop_nonce"

	// Local refusal codes: the actor did not even send a request, so no
	// protocol defines these; an Outcome carries them like a response's
	// code.
	CodeNoToken       = "no_token"       // the actor holds no token of the kind the action needs
	CodeUnreachable   = "unreachable"    // the attacker's position does not reach that token
	CodeStateMismatch = "state_mismatch" // the callback's state differs from the one the app stored
	CodeBadRequest    = "bad_request"    // the request could not even be built (a malformed path)
)

// Error values, compared with errors.Is.
var (
	// ErrBadConfig wraps every reason New (Config.Resolve) refuses a Config.
	ErrBadConfig = errors.New("bad world config")
	// ErrNoASSession is why an action about the AS's session cannot run in a
	// world without an AS.
	ErrNoASSession = errors.New("no authorization server session")
	// ErrNoMachineClients is why the service actor cannot run in a world
	// whose only issuer is the app's own backend.
	ErrNoMachineClients = errors.New("no authorization server for machine clients")
	// ErrOwnAPIOnly is why a login or refresh naming another API (RFC 8707)
	// or a narrower scope cannot run in a world whose issuer is the app's
	// own backend.
	ErrOwnAPIOnly = errors.New("the issuer serves its own API only")
	// ErrUnknownKnob is returned by Set for a name that is not a policy knob.
	ErrUnknownKnob = errors.New("unknown policy key")
	// ErrUnknownPreset is returned by LookupPreset.
	ErrUnknownPreset = errors.New("unknown preset")
	// ErrRaceTabs is returned by RaceRefresh for a tab count it cannot race.
	ErrRaceTabs = fmt.Errorf("a race needs %d to %d tabs", MinRaceTabs, MaxRaceTabs)
	// ErrNotLoopback is why a client allowed any loopback redirect refuses one.
	ErrNotLoopback = errors.New("not a loopback redirect URI")
	// ErrUnknownUser is why an account action (as_account.go) names nobody
	// the AS knows.
	ErrUnknownUser = errors.New("unknown user")
	// ErrUnknownClient is why RevokeConsent names no client of the AS.
	ErrUnknownClient = errors.New("unknown client")
	// ErrBadPassword is why ChangePassword refuses a new password.
	ErrBadPassword = errors.New("unusable password")
	// ErrFault wraps every reason a served world refuses an operator's
	// fault or key change (fault*.go, as_keys.go): nothing to act on, a
	// bound exceeded, a lesson world's fixed keys.
	ErrFault = errors.New("refused")
)
