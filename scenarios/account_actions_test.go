package scenarios

import (
	"testing"
)

// TestAccountActions runs change-password and revoke-consent from a lesson
// file, with the expectations a learner would write: the grant made before
// each event fails at its next refresh with invalid_grant (OAuth 2.1 draft
// §4.3.1, §4.3.3), and a login afterwards (with the new password; silent,
// after a withdrawn consent) makes a grant that refreshes.
func TestAccountActions(t *testing.T) {
	const src = `id: account-actions
title: Account actions
summary: change-password and revoke-consent at the AS.
level: intermediate
theme: revocation
tags: [account]
goals: [See both actions end a grant.]
steps:
  - do: login
    narration: Alice logs in.
  - do: advance
    by: 1m
    narration: A minute passes.
  - do: change-password
    password: looking-glass
    narration: Her password changes.
    expect:
      as_session: ended
      family_revoked: false
  - do: refresh
    narration: The old grant ends.
    expect:
      status: 400
      error: invalid_grant
      family_revoked: true
  - do: login
    password: looking-glass
    narration: The new password signs in.
    expect:
      status: 200
      login_form: true
  - do: advance
    by: 1m
    narration: A minute passes.
  - do: revoke-consent
    narration: Alice withdraws the app's access.
    expect:
      as_session: active
  - do: refresh
    narration: The grant ends.
    expect:
      status: 400
      error: invalid_grant
  - do: login
    narration: A silent login grants access again.
    expect:
      status: 200
      login_form: false
  - do: refresh
    narration: The new grant refreshes.
    expect:
      status: 200
`
	sc, err := Load("account-actions.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Steps {
		for _, f := range s.Failures {
			t.Errorf("step %d (%s): %+v; outcome %+v", s.Index, s.Step.Do, f, s.Outcome)
		}
	}
}
