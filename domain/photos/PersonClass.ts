/** The classes a tune can be trained as and packs are offered for (Astria's `name` of a tune). */
export const trainableClasses = ["man", "woman", "boy", "girl"] as const
export type TrainableClass = (typeof trainableClasses)[number]

export const isTrainableClass = (name: string): name is TrainableClass =>
  trainableClasses.some((trainable) => trainable === name)
