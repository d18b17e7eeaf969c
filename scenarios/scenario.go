// Package scenarios turns the sim engine into lessons. A scenario is a named,
// ordered list of steps — an actor's action, narration that says why,
// expectations about the outcome, an optional predict-then-reveal quiz —
// plus the policy it runs under. Scenarios are YAML files written by people:
// the built-ins are embedded, and anyone can write more in the same format
// (docs/scenario-format.md).
//
// The package imports sim and nothing else of tokensim.
package scenarios

// Scenario is one lesson, as loaded and validated.
type Scenario struct {
	ID       string
	Title    string
	Summary  string
	Level    string // beginner, intermediate, advanced
	Theme    string // basics, refresh, theft, revocation, attacks
	Goals    []string
	Tags     []string  // search words, lower-case (xss, jku, logout): the picker's / finds them
	Preset   string    // "" means the engine's default
	Set      []Setting // policy knobs, applied after the preset
	Client   string    // spa (default) or web
	Storage  string    // "" means the client's default
	Topology string    // oauth (default) or first-party
	Steps    []*Step
	Draws    []Draw         // parameters drawn from the run's seed (draw.go)
	Source   string         // the file it came from, for messages
	Pos      Pos            // where the document starts
	At       map[string]Pos // where each top-level value was written
}

// Setting is one policy knob and its value, in file order.
type Setting struct {
	Key, Value string
	Pos        Pos
}

// Step is one action and what it should show.
type Step struct {
	Title     string
	Do        string // the action, see Actions
	Narration string // why this step matters
	Params    map[string]string
	Expect    *Expect
	Quiz      *Quiz
	Pos       Pos            // the step's first line
	At        map[string]Pos // where each value of the step was written
	keyAt     map[string]Pos // where each key was written
}

// Expect is what a step must show. A nil pointer or empty map means "not
// checked".
type Expect struct {
	Status         *int
	Error          *string // "" (written as none) means "no error"
	Reason         string  // a substring the engine's reason must contain
	LoggedIn       *bool
	ReuseDetected  *bool
	FamilyRevoked  *bool
	ASContacted    *bool             // any exchange to the AS during the step
	LoginForm      *bool             // the AS showed its sign-in form during the step (sim.Event.IsLoginForm)
	ASSession      string            // the browser's AS session after the step: active, ended or none
	Introspections *int              // introspection calls during the step
	Tokens         map[string]string // label → state after the step
	AttackerHolds  []string          // access, refresh: what the attacker holds after the step
	At             map[string]Pos
}

// Quiz is a predict-then-reveal question shown before the step's outcome.
type Quiz struct {
	Question string
	Options  []string
	Answer   int // 1-based index into Options
	// Right and Wrong replace Options and Answer in a computed quiz
	// (quizcalc.go): expressions over the engine's facts, filled and
	// shuffled per run in StepResult.Text.Quiz.
	Right   string
	Wrong   []string
	Explain string
	Pos     Pos
	at      map[string]Pos // where each value of the quiz was written
}

// Pos is a place in a scenario file, 1-based.
type Pos struct {
	Line, Col int
}

// Heading is what every front end calls a step: its title, or its action
// when it has none.
func (st *Step) Heading() string {
	if st.Title != "" {
		return st.Title
	}
	return st.Do
}

// Texts is what a quiz shows a learner, in reading order: the question, the
// options, then the explanation revealed after an answer.
func (q *Quiz) Texts() []string {
	t := append([]string{q.Question}, q.Options...)
	if q.computed() {
		t = append(append(t, q.Right), q.Wrong...)
	}
	return append(t, q.Explain)
}

// Texts is every text of the lesson a learner reads, in reading order: the
// title, summary and goals, then each step's title, narration and quiz.
// Checks that must hold for all of them (placeholders, wrapping, search)
// walk this list instead of the format's fields.
func (sc *Scenario) Texts() []string {
	texts := append([]string{sc.Title, sc.Summary}, sc.Goals...)
	for _, st := range sc.Steps {
		texts = append(texts, st.Title, st.Narration)
		if st.Quiz != nil {
			texts = append(texts, st.Quiz.Texts()...)
		}
	}
	return texts
}
