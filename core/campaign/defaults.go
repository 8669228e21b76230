package campaign

import "time"

// Defaults for everything the file may leave out. They are the values the
// reference documentation promises; change both together.
const (
	// defaultWorkers is set here only; the engine's own floor of one is
	// for callers of the library that leave it zero.
	defaultWorkers = 1
	defaultSeed    = 1

	// defaultEvaluationTimeout is the host's deadline for one evaluation.
	// It is set here only: the task host takes the value it is given.
	defaultEvaluationTimeout = time.Hour
	// defaultMaxInfraFailures is engine.DefaultMaxInfraFailures.
	defaultMaxInfraFailures = 5

	defaultProvider = ProviderOpenAI

	defaultMaxRepairs = 1

	defaultSampler           = "ucb1"
	defaultSampleN           = 3
	defaultIslands           = 5
	defaultMigrationInterval = 10
	defaultMigrationRate     = 0.1
	defaultExploration       = 1.414
	defaultGridBins          = 10

	defaultStore = StoreEmbedded
	defaultTopK  = 5

	// defaultSandboxMemory is small on purpose: a candidate that needs more
	// should say so in the file.
	defaultSandboxMemory      = 256 << 20
	defaultSandboxTimeout     = 30 * time.Second
	defaultSandboxOutputLimit = 1 << 20

	// maxSandboxMemory is what a 32-bit wasm memory can address.
	maxSandboxMemory = 4 << 30
	// minSandboxMemory is one wasm page.
	minSandboxMemory = 64 << 10
)

// Names the file may use for providers, stores and samplers.
const (
	ProviderOpenAI  = "openai"
	ProviderOffline = "offline"
	ProviderReplay  = "replay"

	StoreEmbedded = "embedded"
	StoreWeaviate = "weaviate"
)

var (
	providers = []string{ProviderOpenAI, ProviderOffline, ProviderReplay}
	stores    = []string{StoreEmbedded, StoreWeaviate}
	samplers  = []string{"ucb1", "greedy", "random", "island", "map_elites", "island_map_elites", SamplerPareto}
	// ReasoningEfforts are the values a model's reasoning_effort may take.
	ReasoningEfforts = []string{"low", "medium", "high"}
)

func defaultConfig() *Config {
	return &Config{
		Campaign: Campaign{Workers: defaultWorkers, Seed: defaultSeed, EvaluationTimeout: defaultEvaluationTimeout, MaxInfraFailures: defaultMaxInfraFailures},
		Models:   map[string]*Model{},
		Plugins:  map[string]*Plugin{},
		Task:     TaskBlock{Settings: map[string]TaskSetting{}},
		Roles:    Roles{MaxRepairs: defaultMaxRepairs},
		Database: Database{
			Sampler:           defaultSampler,
			SampleN:           defaultSampleN,
			Islands:           defaultIslands,
			MigrationInterval: defaultMigrationInterval,
			MigrationRate:     defaultMigrationRate,
			Exploration:       defaultExploration,
			GridBins:          defaultGridBins,
		},
		Cognition: Cognition{Store: defaultStore, TopK: defaultTopK},
		Sandbox: Sandbox{
			Memory:      defaultSandboxMemory,
			Timeout:     defaultSandboxTimeout,
			OutputLimit: defaultSandboxOutputLimit,
		},
		Feedback: Feedback{Enabled: true, MaxChars: defaultFeedbackMaxChars, Stderr: true},
	}
}
