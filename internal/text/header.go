package text

// HeaderName is a header name as its specification spells it, for the
// wire's text of an exchange (sim) and every export that prints one
// (render): Go's canonical form (textproto.CanonicalMIMEHeaderKey) writes
// "Dpop". Field names are
// case-insensitive (RFC 9110 §5.1), so only what a reader sees changes.
func HeaderName(canonical string) string {
	switch canonical {
	case "Dpop":
		return "DPoP" // RFC 9449 §4.1
	case "Dpop-Nonce":
		return "DPoP-Nonce" // RFC 9449 §8
	case "Www-Authenticate":
		return "WWW-Authenticate" // RFC 9110 §11.6.1
	}
	return canonical
}
