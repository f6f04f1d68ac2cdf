import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { UserView } from '../contract/views.js';
import { User } from './user.entity.js';

export const usernameKey = (username: string): string => username.normalize('NFKC').toLowerCase();

export function toUserView(u: Pick<User, 'id' | 'username' | 'role' | 'createdAt'>): UserView {
  return { id: u.id, username: u.username, role: u.role, createdAt: u.createdAt.toISOString() };
}

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ usernameKey: usernameKey(username) });
  }
}
