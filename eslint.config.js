import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' }
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // Outside text reaches the step log and outputs only through src/core/log.ts and src/core/outputs.ts,
    // which keep it from starting a workflow command and strip secrets.
    files: ['src/**'],
    ignores: ['src/core/log.ts', 'src/core/outputs.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(info|warning|error|notice|debug|setFailed|setOutput)$/]",
          message: 'Log through src/core/log.ts and set outputs through src/core/outputs.ts.'
        },
        {
          selector: "MemberExpression[object.name='console']",
          message: 'Log through src/core/log.ts.'
        },
        {
          selector: "MemberExpression[object.property.name='stdout'][property.name='write']",
          message: 'Log through src/core/log.ts.'
        }
      ]
    }
  },
  {
    // Tests index into fixtures they built themselves.
    files: ['__tests__/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' }
  }
)
