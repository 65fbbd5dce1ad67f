// Fixture courses for the browser tests, as { 'relative/path': content } for makeCourse().

/** A small course that uses most of what docs/formats.md offers, in two chapters. */
export const ACADEMY = {
  'book.toml': `
    [book]
    title = "Fixture Academy"
    authors = ["Test Author"]
    description = "A small course served under a path prefix."
    language = "en"

    [output.html]
    site-url = "/academy/"
  `,
  'content/index.md': `
    # Welcome to Fixture Academy

    Start with [the first lesson](01-basics/01-first-lesson.md), or jump to
    [its details](01-basics/02-second-lesson.md#the-details).
  `,
  'content/glossary.yaml': `
    - term: Model
      definition: A function with adjustable parameters that maps inputs to outputs.
    - term: Parameter
      aliases: [parameters]
      definition: A number inside the **model**, set by training rather than by hand.
      see: [model]
  `,
  'content/01-basics/index.md': `
    # Basics

    This chapter has two lessons.
  `,
  'content/01-basics/01-first-lesson.md': `
    ---
    title: The first lesson
    description: What a model is.
    objectives:
      - explain what a model is
      - say what a parameter does
    terms: [model, parameter]
    ---

    A model has parameters. ![A diagram of a model](../images/diagram.svg)

    > [!TIP] Key idea
    > The structure is chosen by a human; the parameters are found from data.

    > [!WARNING]
    > There is no lookup table inside.

    The price is $\\hat{y} = w x + b$, and in general:

    $$\\hat{y} = \\sum_{i=1}^{n} w_i x_i + b$$

    | size | price |
    | ---: | ----: |
    | 1000 | 250,000 |

    \`\`\`rust
    fn predict(w: f64, b: f64, size: f64) -> f64 {
        w * size + b
    }
    \`\`\`

    Read on in [the second lesson](02-second-lesson.md).
  `,
  'content/01-basics/01-first-lesson.quiz.yaml': `
    title: Check yourself
    questions:
      - id: knobs
        type: single
        prompt: In \`price = w × size + b\`, which numbers are the parameters?
        choices:
          - text: "\`w\` and \`b\`"
            correct: true
          - text: "\`price\` and \`size\`"
        explanation: Training sets the parameters.
      - id: predict
        type: numeric
        prompt: With w = 200 and b = 50,000, what is the prediction for 1,500 sq ft?
        answer: 350000
  `,
  'content/01-basics/02-second-lesson.md': `
    ---
    title: The second lesson
    ---

    ## The details

    Try the calculator:

    \`\`\`calculator
    w: 200
    b: 50000
    size: 1000
    \`\`\`

    - [x] a task list item
    - [ ] another one

    Back to [the first lesson](01-first-lesson.md).
  `,
  'content/02-more/01-deep-dive.md': `
    ---
    title: A deep dive
    ---

    Deeper still. See [the details](../01-basics/02-second-lesson.md#the-details).

    \`\`\`quiz
    questions:
      - id: inference-name
        type: text
        prompt: What is running a frozen model on new inputs called?
        answers: [inference, prediction]
    \`\`\`
  `,
  'content/images/diagram.svg': `
    <svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
      <rect x="1" y="1" width="118" height="38" fill="none" stroke="currentColor"/>
      <text x="60" y="25" text-anchor="middle" font-size="14">model</text>
    </svg>
  `,
};
