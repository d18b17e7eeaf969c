package scenarios

import (
	"fmt"
	"os"
	"testing"
)

func TestZZScratch(t *testing.T) {
	f := os.Getenv("SCN")
	if f == "" {
		t.Skip()
	}
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Load(f, data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Steps {
		o := s.Outcome
		fmt.Printf("== step %d %s %v: status=%d err=%q token=%q reason=%q loggedin=%v atk=%v/%v\n", s.Index, s.Step.Do, s.Step.Params, o.Status, o.Error, o.Token, o.Reason, s.Snapshot.LoggedIn, s.Snapshot.Attacker.HoldsAccess, s.Snapshot.Attacker.HoldsRefresh)
		if os.Getenv("EV") != "" {
			for _, e := range s.Events {
				fmt.Printf("   %s %s %s->%s %s %s %d %q tok=%s fam=%s reason=%q sum=%q\n", e.Time.Format("01-02 15:04:05"), e.Kind, e.From, e.To, e.Method, e.Path, e.Status, e.Error, e.Token, e.Family, e.Reason, e.Summary)
			}
		}
		for _, fl := range s.Failures {
			fmt.Println("   FAIL:", fl)
		}
	}
	for _, fam := range r.Steps[len(r.Steps)-1].Snapshot.Families {
		for _, rt := range fam.Refresh {
			fmt.Printf("   %s=%s", rt.Label, rt.State)
		}
		for _, at := range fam.Access {
			fmt.Printf("   %s=%s", at.Label, at.State)
		}
		fmt.Println()
	}
}
