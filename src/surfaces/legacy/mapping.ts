// Legacy ⇄ domain fields (semantics §6): the userVO every legacy user response prints.
import { Type } from 'typebox'
import type { User } from '../../domain/accounts/accounts.types.ts'
import { absoluteUrl } from '../urls.ts'

const S = (description: string) => Type.String({ description })

/** userVO as 001 prints it: userId a number, every other field a string. */
export const UserVO = Type.Object({
  userId: Type.Integer({ description: '用户ID' }),
  sex: S('性别 1男 2女'),
  age: S('年龄'),
  phoneNumber: S('电话号码'),
  country: S('国家'),
  province: S('省份'),
  city: S('城市'),
  district: S('区县'),
  street: S('街道'),
  company: S('所在公司'),
  occupation: S('行业'),
  role: S('职务'),
  degrees: S('学历'),
  school: S('毕业院校'),
  nickName: S('昵称'),
  userPhoto: S('用户头像'),
  signature: S('个性签名'),
})

/** `photo` is 'absolute' in 001 (login, readUser) and 'relative' in 000 (group member lists). */
export function renderUserVO(user: User, options: { publicUrl: string; showMobile: boolean; photo?: 'absolute' | 'relative' }) {
  const p = user.profile
  return {
    userId: user.id,
    sex: p.sex ?? '',
    age: p.age ?? '',
    phoneNumber: options.showMobile ? (user.mobile ?? '') : '',
    country: p.country ?? '',
    province: p.province ?? '',
    city: p.city ?? '',
    district: p.district ?? '',
    street: p.street ?? '',
    company: p.company ?? '',
    occupation: p.occupation ?? '',
    role: p.role ?? '',
    degrees: p.degrees ?? '',
    school: p.school ?? '',
    nickName: user.nickName,
    userPhoto: options.photo === 'relative' ? user.avatar : absoluteUrl(user.avatar, options.publicUrl),
    signature: p.signature ?? '',
  }
}
