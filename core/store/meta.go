package store

// Meta keys of what the manager role wrote, read back by the engine on
// resume and by the read model for `asi status`.
const (
	MetaResearcherGuidance = "manager.researcher"
	MetaAnalyzerGuidance   = "manager.analyzer"
	MetaRecommendations    = "manager.recommendations"
)
