package sim

// Actor names a participant. Actors() are the lanes of the sequence diagram,
// in the order the constants are declared.
type Actor string

const (
	ActorUser     Actor = "user"     // the person, through their browser
	ActorApp      Actor = "app"      // the client application
	ActorService  Actor = "service"  // a machine client: tokens for itself, no user (RFC 6749 §4.4, service.go)
	ActorAS       Actor = "as"       // the authorization server
	ActorAPI      Actor = "api"      // the resource server
	ActorBilling  Actor = "billing"  // a second resource server, with its own audience
	ActorAttacker Actor = "attacker" // whoever got hold of a token
)

// Actors lists every actor in lane order (a fresh slice each call).
func Actors() []Actor {
	return []Actor{ActorUser, ActorApp, ActorService, ActorAS, ActorAPI, ActorBilling, ActorAttacker}
}

// Title is the actor's name as a learner reads it.
func (a Actor) Title() string {
	switch a {
	case ActorUser:
		return "User"
	case ActorApp:
		return "App"
	case ActorAS:
		return "Auth server"
	case ActorAPI:
		return "API"
	case ActorBilling:
		return "Billing API"
	case ActorAttacker:
		return "Attacker"
	case ActorService:
		return "Service"
	}
	return string(a)
}
