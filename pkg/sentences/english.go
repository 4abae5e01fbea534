package sentences

// englishAbbrevs are words that, written with a final period, are read as
// abbreviations: lower case, without the period, at most maxAbbrevLen
// bytes. Dotted forms (U.S., a.m., e.g., Ph.D.) need no entry, since
// isAcronym recognises them, and single letters other than c, p and v are
// initials. The list leaves out abbreviations that are also common words
// at the end of a sentence: "ill." (Illinois), "mass.", "sat.", "wed.",
// "ark.", "min.".
var englishAbbrevs = []string{
	// Titles and ranks.
	"mr", "mrs", "ms", "messrs", "mme", "mmes", "mlle", "dr", "drs", "prof",
	"profs", "st", "ste", "jr", "sr", "snr", "jnr", "esq", "gen", "col", "lt",
	"sgt", "capt", "cmdr", "cdr", "comdr", "adm", "maj", "brig", "cpl", "pvt",
	"rev", "revd", "hon", "gov", "sen", "rep", "reps", "pres", "supt", "fr",
	// Scholarly and Latin.
	"etc", "vs", "v", "viz", "cf", "al", "ibid", "approx", "ca", "c", "fl", "esp",
	"incl", "est", "op", "cit", "seq", "abbr",
	// References into a work.
	"vol", "vols", "p", "pp", "ed", "eds", "fig", "figs", "ch", "chap", "chaps",
	"sec", "para", "eq", "eqs", "nos", "trans", "repr", "ser", "suppl", "mss",
	// Organisations.
	"inc", "ltd", "co", "corp", "plc", "bros", "assn", "assoc", "dept",
	"govt", "univ", "inst", "natl", "intl", "mfg", "div",
	// Months and days.
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
	"nov", "dec", "mon", "tue", "tues", "thu", "thur", "thurs", "fri",
	// US states, as newspapers abbreviate them.
	"ala", "ariz", "calif", "colo", "conn", "fla", "ga", "kan", "kans", "ky",
	"md", "mich", "minn", "mont", "neb", "nebr", "nev", "okla", "pa", "tenn",
	"tex", "va", "vt", "wis", "wyo",
	// Places and measures.
	"mt", "mts", "ft", "pt", "ave", "blvd", "rd", "hwy", "lb", "lbs", "oz",
	"yd", "yds", "sq", "hr", "hrs",
	// Given names in older books.
	"wm", "chas", "geo", "jas", "jno", "thos",
}

// englishNumberAbbrevs are abbreviations only before a number: "No. 5",
// "Art. 12", but "He said no. Then ..." ends a sentence.
var englishNumberAbbrevs = []string{"no", "art"}

// englishStarters are words that, capitalized after an abbreviation, an
// initial or an ellipsis, begin a new sentence: "in the U.S. The next
// year" breaks, "in the U.S. Senate" does not. They are function words
// and sentence adverbs that rarely begin a name.
var englishStarters = []string{
	"a", "about", "according", "after", "afterwards", "again", "all", "also",
	"although", "among", "an", "and", "another", "as", "at", "because",
	"before", "both", "but", "by", "consequently", "despite", "during",
	"each", "eventually", "even", "every", "finally", "first", "following",
	"for", "from", "further", "furthermore", "he", "hence", "her", "here",
	"his", "however", "i", "if", "in", "indeed", "instead", "it", "its",
	"later", "many", "meanwhile", "moreover", "most", "my", "nevertheless",
	"nonetheless", "nor", "not", "now", "on", "once", "only", "or", "other",
	"our", "overall", "perhaps", "previously", "several", "she", "similarly",
	"since", "so", "some", "soon", "still", "subsequently", "such", "that",
	"the", "their", "then", "there", "therefore", "these", "they", "this",
	"those", "though", "thus", "to", "today", "under", "unlike", "until",
	"upon", "we", "what", "when", "where", "whereas", "which", "while", "who",
	"with", "within", "without", "yet", "you", "your",
}
