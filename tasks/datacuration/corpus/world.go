package corpus

// topic is one subject of the invented world: its entities, the relations
// facts use, the values facts take, filler words and sentence templates.
type topic struct {
	name      string
	entities  []string
	relations []string
	values    []string
	words     []string
	templates []string
}

var topics = []topic{
	{
		name:      "trade",
		entities:  []string{"varnholt", "quessel", "dorimund", "talvane", "brisk"},
		relations: []string{"exports", "imports"},
		values:    []string{"copper", "salt", "wool", "amber", "timber", "glass", "pepper", "linen"},
		words:     []string{"harbour", "caravan", "market", "ledger", "merchant", "toll", "guild", "warehouse"},
		templates: []string{
			"the {w} of {e} was {a} in the old season",
			"every spring a {a} {w} left {e} for the coast",
			"merchants of {e} kept a {a} {w} near the river",
			"the {w} grew {a} when prices of {v} rose",
			"travellers remember the {a} {w} of {e}",
			"a {w} without {v} is a {a} sight in {e}",
		},
	},
	{
		name:      "astronomy",
		entities:  []string{"orrin", "pellamy", "sutha", "kerrow", "vaile"},
		relations: []string{"orbits", "outshines"},
		values:    []string{"cassa", "medrel", "fonn", "ystra", "holm", "iddra", "lune", "zarek"},
		words:     []string{"telescope", "comet", "eclipse", "observatory", "orbit", "nebula", "meridian", "chart"},
		templates: []string{
			"the {w} above {e} looked {a} that night",
			"observers at {e} drew a {a} {w} in their notes",
			"a {a} {w} crossed the sky near {v}",
			"the old {w} of {e} is still {a}",
			"astronomers call the {w} of {e} {a}",
			"each {w} near {v} seemed {a} to the students",
		},
	},
	{
		name:      "cooking",
		entities:  []string{"marrow", "tessik", "bramble", "quince", "hollin"},
		relations: []string{"pairs", "needs"},
		values:    []string{"saffron", "vinegar", "honey", "mustard", "fennel", "barley", "sorrel", "butter"},
		words:     []string{"kitchen", "broth", "oven", "ladle", "stew", "crust", "platter", "recipe"},
		templates: []string{
			"a {a} {w} makes {e} taste better",
			"cooks serve {e} from a {a} {w}",
			"the {w} for {e} should stay {a}",
			"add {v} to the {w} while it is {a}",
			"grandmothers keep the {a} {w} of {e} secret",
			"a {w} of {e} with {v} feels {a}",
		},
	},
	{
		name:      "sailing",
		entities:  []string{"gullwing", "saltmere", "tarrow", "wendle", "corrigan"},
		relations: []string{"flies", "carries"},
		values:    []string{"crimson", "azure", "ochre", "ivory", "sable", "emerald", "violet", "silver"},
		words:     []string{"mast", "rudder", "harbour", "tide", "sail", "anchor", "crew", "voyage"},
		templates: []string{
			"the {w} of the {e} was {a} after the storm",
			"sailors on the {e} trusted the {a} {w}",
			"a {a} {w} pushed the {e} toward {v} waters",
			"the {e} lost a {w} on a {a} morning",
			"the crew painted the {w} of the {e} {a}",
			"under a {a} sky the {w} turned {v}",
		},
	},
	{
		name:      "music",
		entities:  []string{"elsabet", "horvath", "minnow", "caddel", "ruen"},
		relations: []string{"plays", "composes"},
		values:    []string{"lute", "fiddle", "harp", "horn", "drum", "flute", "organ", "zither"},
		words:     []string{"melody", "chorus", "rhythm", "hall", "audience", "score", "ballad", "tune"},
		templates: []string{
			"the {w} that {e} wrote was {a}",
			"a {a} {w} filled the hall when {e} arrived",
			"critics found the {w} of {e} {a}",
			"every {w} needs a {a} {v}",
			"students copy the {a} {w} of {e}",
			"the {w} ended with a {a} {v} solo",
		},
	},
}

var adjectives = []string{"quiet", "bright", "famous", "strange", "broad", "careful", "ancient", "gentle", "rapid", "humble"}

// factFrames wrap "<entity> <relation> <value>" in a sentence.
var factFrames = []string{
	"records show that %s",
	"it is well known that %s",
	"as every guide explains %s",
	"the archive confirms that %s",
	"%s according to the elders",
}

var navigation = []string{
	"Home | About | Contact | Login | Sign up",
	"Skip to content Menu Search Home News Archive",
	"You are here: Home > Articles > Read more",
	"Share on social media Like Tweet Pin Email",
}

var footers = []string{
	"We use cookies to improve your experience. Accept all cookies. Privacy policy.",
	"Copyright 2024 All rights reserved. Terms of use. Privacy policy. Sitemap.",
	"Subscribe to our newsletter for the latest updates. Unsubscribe at any time.",
	"Related posts: Click here to read more articles like this one.",
}

var adverts = []string{
	"BUY NOW and save 90 percent!!!",
	"Click here for FREE shipping, limited offer!!!",
	"Best price guaranteed, order today!!!",
	"Cheap deals online, visit www dot bestdeals dot biz!!!",
	"Act fast, only 3 left in stock!!!",
}

var debris = []string{"<br/>", "&nbsp;", "<span class=\"ad\"></span>", "</p><p>", "<!-- tracking -->", "&amp;"}
