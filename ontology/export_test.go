package ontology

// SetAnswerCache turns the cache of About's answers on or off; the other
// caches stay on. Benchmarks turn it off to measure what answering costs
// once the statements involved are cached.
func SetAnswerCache(on bool) { answersOff.Store(!on) }
