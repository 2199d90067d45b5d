import { postCallback } from "./callbacks.js"
import { addPackPrompts, showImages, showSomeImages } from "./prompts.js"
import type { AstriaState } from "./state.js"

/** A tune's life: queued, training, trained (prompts and the tune callback), rendered. */

const thirtyDays = 30 * 24 * 60 * 60 * 1000

export const makeTraining = (state: AstriaState) => {
  const startTraining = (tuneId: number) => {
    const tune = state.tuneOrDie(tuneId)
    if (tune.json.started_training_at == null) {
      const now = new Date().toISOString()
      tune.json = { ...tune.json, started_training_at: now, updated_at: now }
    }
  }

  const finishTraining = async (tuneId: number) => {
    startTraining(tuneId)
    const tune = state.tuneOrDie(tuneId)
    if (tune.json.trained_at != null) return
    const trainedAt = new Date()
    tune.json = {
      ...tune.json,
      trained_at: trainedAt.toISOString(),
      expires_at: new Date(trainedAt.getTime() + thirtyDays).toISOString(),
      updated_at: trainedAt.toISOString()
    }
    addPackPrompts(state, tune, trainedAt.toISOString())
    if (tune.json.callback) await postCallback(state, tune.json.callback, { tune: tune.json })
  }

  const renderPrompts = async (tuneId: number) => {
    const tune = state.tuneOrDie(tuneId)
    if (tune.json.trained_at == null) await finishTraining(tuneId)
    if (tune.rendered) return
    tune.rendered = true
    await showImages(state, tune)
  }

  const renderSomePrompts = async (tuneId: number, count: number) => {
    const tune = state.tuneOrDie(tuneId)
    if (tune.json.trained_at == null) await finishTraining(tuneId)
    showSomeImages(state, tune, count)
  }

  const complete = async (tuneId: number) => {
    await finishTraining(tuneId)
    await renderPrompts(tuneId)
  }

  /** A step that time takes by itself (the `clock` option); cancelled when the fake stops. */
  const schedule = (ms: number, task: () => Promise<void>) => {
    const timer = setTimeout(() => {
      state.timers.delete(timer)
      task().catch(() => undefined)
    }, ms)
    state.timers.add(timer)
  }

  return { startTraining, finishTraining, renderPrompts, renderSomePrompts, complete, schedule }
}

export type Training = ReturnType<typeof makeTraining>
