// Command asi-task-linearattention is the linear-attention architecture
// discovery task: the candidate is a causal PyTorch sequence mixer
// (mixer.py, class Mixer mapping (B, T, D) to (B, T, D)), and a trusted
// harness shipped with the plugin (harness/harness.py) wraps it in a small
// language model and scores it in a cascade of executor jobs:
//
//   - check: static rules, shapes, parameter budget, causality and a
//     sub-quadratic work test (seconds);
//   - explore: train a small model on multi-query associative recall and a
//     generated text corpus, then measure it in a second, separate job on
//     held-out data whose seed the training job never sees;
//   - verify: the same at the size the campaign sets, on a GPU executor;
//     skipped with a note when the campaign names none.
//
// Rules: the task never runs candidate code itself, only through the
// host's executor; every metric comes from the evaluation job's result
// file, never from the candidate's output; the score is relative to
// DeltaNet trained and measured by the same harness with the same settings
// (0 matches it, above 0 beats it).
package main
