package sim

// OpaqueMeaning says, for a UI that shows the tokens a holder has, what an
// opaque token (one that is not a JWT, such as a refresh token) is: it
// carries no claims to decode, and only the AS, which keeps its hash, can
// tell what it stands for.
func OpaqueMeaning() string {
	return "opaque: a random string that means something only to the AS, which stores its hash"
}
